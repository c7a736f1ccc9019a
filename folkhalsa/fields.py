"""Model fields carrying the shared text rule, so no model of ours forgets it."""

from django.db import models

from folkhalsa.validators import validate_long_text, validate_single_line


class SingleLineCharField(models.CharField):
    """A CharField refusing line breaks and control characters."""

    default_validators = [validate_single_line]


class LongTextField(models.TextField):
    """A TextField of at most LONG_TEXT_MAX characters."""

    default_validators = [validate_long_text]
