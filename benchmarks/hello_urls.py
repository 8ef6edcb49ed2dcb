"""The application's URLs plus /bench-hello/, a bare view served by the same middleware stack."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from aeict.urls import handler400, handler403, handler404, handler500  # noqa: F401
from aeict.urls import urlpatterns as app_urlpatterns


@login_not_required
def hello(request):
    return HttpResponse("hello")


urlpatterns = [path("bench-hello/", hello), *app_urlpatterns]
