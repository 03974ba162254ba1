from django.urls import path

from . import views

app_name = "delegates"

urlpatterns = [
    path("register/", views.RegisterView.as_view(), name="register"),
    path("me/", views.MyRegistrationView.as_view(), name="mine"),
    path("me/edit/", views.EditRegistrationView.as_view(), name="edit"),
    path("me/export.json", views.ExportView.as_view(), name="export"),
    path("me/delete/", views.RequestDeletionView.as_view(), name="delete"),
    path("delegations/new/", views.DelegationCreateView.as_view(), name="delegation_new"),
    path("delegations/<int:pk>/", views.DelegationDetailView.as_view(), name="delegation"),
    path(
        "delegations/<int:pk>/members/<int:member_pk>/",
        views.MemberEditView.as_view(),
        name="member_edit",
    ),
    path("join/<str:token>/", views.JoinDelegationView.as_view(), name="join"),
]
