"""The site's URLs plus the trivial view the benchmark uses as its floor."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def trivial(request: HttpRequest) -> HttpResponse:
    """Answer at once: the cost of the middleware and the test client alone."""
    return HttpResponse("ok")


urlpatterns = [path("bench/trivial/", trivial), path("", include("folkhalsa.urls"))]
