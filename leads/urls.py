from django.urls import path

from . import views

app_name = "leads"

urlpatterns = [
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("withdraw/", views.WithdrawView.as_view(), name="withdraw"),
    path("<str:code>/", views.LeadsView.as_view(), name="scan"),
    path("<str:code>/<int:pk>/", views.LeadView.as_view(), name="lead"),
    path("<str:code>/export.<str:fmt>", views.ExportView.as_view(), name="export"),
]
