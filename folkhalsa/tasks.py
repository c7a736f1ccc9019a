"""The project's background tasks, run by `manage.py db_worker` (django-tasks on the database).

Their paths are stable (`folkhalsa.tasks.render_document`): the task table names them.
"""

from django_tasks import task

from folkhalsa.documents import document_render


@task()
def render_document(document_id: int) -> None:
    """Typeset a waiting document and store it (folkhalsa/documents.py)."""
    document_render(document_id)
