from django.urls import path

from . import views

app_name = "exhibitors"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("organizations/<slug:slug>/", views.organization_page, name="organization"),
    path("halls/<slug:slug>/", views.hall_page, name="hall"),
    path("portal/", views.PortalHomeView.as_view(), name="portal"),
    path("portal/new/", views.OrganizationCreateView.as_view(), name="organization_create"),
    path("portal/<str:code>/", views.OrganizationPortalView.as_view(), name="portal_organization"),
    path("portal/<str:code>/edit/", views.OrganizationEditView.as_view(), name="organization_edit"),
    path("portal/<str:code>/logo/", views.LogoView.as_view(), name="logo"),
    path("portal/<str:code>/members/", views.MembersView.as_view(), name="members"),
    path(
        "portal/<str:code>/members/<int:pk>/remove/",
        views.MemberRemoveView.as_view(),
        name="member_remove",
    ),
    path(
        "portal/<str:code>/applications/new/",
        views.ApplicationCreateView.as_view(),
        name="application_create",
    ),
    path(
        "portal/<str:code>/applications/<int:pk>/",
        views.ApplicationDetailView.as_view(),
        name="application",
    ),
    path(
        "portal/<str:code>/applications/<int:pk>/edit/",
        views.ApplicationEditView.as_view(),
        name="application_edit",
    ),
    path(
        "portal/<str:code>/applications/<int:pk>/submit/",
        views.ApplicationSubmitView.as_view(),
        name="application_submit",
    ),
    path(
        "portal/<str:code>/applications/<int:pk>/withdraw/",
        views.ApplicationWithdrawView.as_view(),
        name="application_withdraw",
    ),
    path("portal/<str:code>/exhibits/", views.ExhibitsView.as_view(), name="exhibits"),
    path("portal/<str:code>/exhibits/<int:pk>/", views.ExhibitEditView.as_view(), name="exhibit"),
    path(
        "portal/<str:code>/exhibits/<int:pk>/delete/",
        views.ExhibitDeleteView.as_view(),
        name="exhibit_delete",
    ),
    path("portal/<str:code>/staff/", views.StaffView.as_view(), name="staff"),
    path("portal/<str:code>/documents/", views.DocumentsView.as_view(), name="documents"),
    path("portal/<str:code>/documents/<int:pk>/", views.DocumentView.as_view(), name="document"),
    path(
        "portal/<str:code>/documents/<int:pk>/file/",
        views.DocumentFileView.as_view(),
        name="document_file",
    ),
    path("portal/<str:code>/fees/", views.FeesView.as_view(), name="fees"),
    path(
        "team/export.<str:fmt>",
        views.TeamExportView.as_view(),
        name="team_export",
    ),
    path("invitations/<str:token>/", views.InvitationView.as_view(), name="invitation"),
]
