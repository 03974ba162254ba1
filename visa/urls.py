from django.urls import path

from . import views

app_name = "visa"

urlpatterns = [
    path("request/", views.RequestLetterView.as_view(), name="request"),
    # Private file: permission-checked, never under /media/ (core/storage.py).
    path("letters/<str:reference>.pdf", views.LetterView.as_view(), name="letter"),
    path("verify/<str:reference>/", views.verify, name="verify"),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
]
