"""Model fields carrying the shared text rule, so no model of ours forgets it."""

from django.db import models

from folkhalsa.validators import validate_long_text, validate_single_line


class SingleLineCharField(models.CharField):
    """A CharField refusing line breaks and control characters."""

    default_validators = [validate_single_line]

    def deconstruct(self):
        # The rule is validation only, never the schema: migrations see a plain CharField, so
        # the rule needs no migration and building the test database stays fast.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


class LongTextField(models.TextField):
    """A TextField of at most LONG_TEXT_MAX characters."""

    default_validators = [validate_long_text]

    def deconstruct(self):
        # As above: the limit is validation, the column stays a plain text column.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.TextField", args, kwargs
