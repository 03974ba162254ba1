"""Booths in and out of spreadsheets (django-import-export): the plan's rows from CSV or XLSX,
checked row by row and shown before anything is saved; occupancy out."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources

from accounts.models import User
from core.imports import RefWidget, ServiceResource

from . import services
from .models import Booth, ExhibitionSection, Hall, Organization

IMPORTABLE_STATUSES = {Booth.Status.AVAILABLE, Booth.Status.HELD, Booth.Status.BLOCKED}


class BoothResource(ServiceResource):
    """One row a booth, keyed by hall and stand number: a second import updates the plan.
    Assigned booths are changed through their application, never by a sheet. Each row is saved
    by ``services.save_booth``."""

    hall = fields.Field(attribute="hall", column_name="hall", widget=RefWidget(Hall, field="slug"))
    section = fields.Field(
        attribute="section",
        column_name="section",
        widget=RefWidget(ExhibitionSection, field="slug"),
    )
    service_errors = (services.ExhibitorError,)
    required_columns = ("hall", "code", "section", "width_m", "depth_m")

    class Meta:
        model = Booth
        name = gettext_lazy("Booths (plan)")
        fields = Booth.PLAN_FIELDS
        import_id_fields = ("hall", "code")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = False

    def before_import_row(self, row, **kwargs):
        for name in ("booth_type", "open_sides", "status"):
            if row.get(name) is not None:
                row[name] = str(row[name]).strip().lower()
        if not row.get("status"):
            row["status"] = Booth.Status.AVAILABLE

    def get_instance(self, instance_loader, row):
        # An unknown hall is this row's validation error (import_instance reports it with the
        # others), not an exception that hides the rest of the sheet's errors.
        if not Hall.objects.filter(slug=row.get("hall") or "").exists():
            return None
        return super().get_instance(instance_loader, row)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if instance.status not in IMPORTABLE_STATUSES:
            errors["status"] = _(
                "Import booths as available, held or blocked; assign them from the application's page."
            )
        if instance.pk and Booth.objects.filter(pk=instance.pk, application__isnull=False).exists():
            errors["code"] = _("Booth %(code)s is assigned: vacate it before changing it.") % {
                "code": instance.code
            }
        super().validate_instance(instance, errors, validate_unique)

    def save_row(self, instance, is_create, row):
        services.save_booth(instance)


class OccupancyResource(resources.ModelResource):
    """Who stands where: every booth with its exhibitor (export only)."""

    hall = fields.Field(attribute="hall__name", column_name=gettext_lazy("hall"))
    code = fields.Field(attribute="code", column_name=gettext_lazy("stand number"))
    section = fields.Field(
        attribute="section__name", column_name=gettext_lazy("exhibition section")
    )
    booth_type = fields.Field(column_name=gettext_lazy("booth type"))
    area = fields.Field(column_name=gettext_lazy("area (m²)"))
    status = fields.Field(column_name=gettext_lazy("status"))
    organization = fields.Field(
        attribute="application__organization__name", column_name=gettext_lazy("exhibitor")
    )
    approved = fields.Field(
        attribute="application__area_m2", column_name=gettext_lazy("approved area (m²)")
    )

    class Meta:
        model = Booth
        name = gettext_lazy("Occupancy")
        fields = (
            "hall",
            "code",
            "section",
            "booth_type",
            "area",
            "status",
            "organization",
            "approved",
        )

    def dehydrate_booth_type(self, booth):
        return booth.get_booth_type_display()

    def dehydrate_status(self, booth):
        return booth.get_status_display()

    def dehydrate_area(self, booth):
        return f"{float(booth.area_m2):g}"

    def import_data(self, *args, **kwargs):  # pragma: no cover - not offered for import
        raise ValidationError(_("Occupancy is exported, not imported."))


class ExhibitorStatusResource(resources.Resource):
    """For the exhibition team: one row an approved exhibitor, with its stands, staff count,
    documents (accepted of those asked) and payment (export only; rows from
    ``selectors.exhibitor_status``)."""

    organization = fields.Field(attribute="name", column_name=gettext_lazy("exhibitor"))
    credit_code = fields.Field(
        attribute="credit_code", column_name=gettext_lazy("unified social credit code")
    )
    stands = fields.Field(attribute="stands", column_name=gettext_lazy("hall and stand"))
    area = fields.Field(attribute="area", column_name=gettext_lazy("approved area (m²)"))
    staff = fields.Field(attribute="staff", column_name=gettext_lazy("stand staff"))
    allowance = fields.Field(attribute="allowance", column_name=gettext_lazy("allowance"))
    documents = fields.Field(attribute="documents", column_name=gettext_lazy("documents"))
    fees = fields.Field(attribute="fees", column_name=gettext_lazy("fees (CNY)"))
    payment = fields.Field(attribute="payment", column_name=gettext_lazy("payment"))
    fapiao = fields.Field(attribute="fapiao", column_name=gettext_lazy("fapiao details"))

    class Meta:
        name = gettext_lazy("Exhibitors: portal status")


EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def exhibitor_status_export(fmt: str) -> tuple[bytes, str]:
    from .selectors import exhibitor_status

    dataset = ExhibitorStatusResource().export(exhibitor_status())
    if fmt == "csv":
        return ("\ufeff" + dataset.csv).encode("utf-8"), EXPORT_FORMATS[
            fmt
        ]  # BOM: Excel reads UTF-8
    return dataset.xlsx, EXPORT_FORMATS[fmt]


class OrganizationResource(ServiceResource):
    """One row an exhibitor, keyed by slug: a known slug updates its profile
    (``services.update_organization``); a row without one registers a new organization
    (``services.create_organization``) with ``contact`` (an account's e-mail) as its admin and
    main contact. Logos, members and applications are not in the sheet."""

    slug = fields.Field(attribute="slug", column_name="slug")
    contact = fields.Field(
        attribute="main_contact",
        column_name="contact",
        widget=RefWidget(User, field="email"),
    )
    service_errors = (services.ExhibitorError,)
    required_columns = ("name_en", "country")

    class Meta:
        model = Organization
        name = gettext_lazy("Exhibitors (organizations)")
        fields = ("slug", *sorted(services.ORGANIZATION_FIELDS), "contact")
        export_order = fields
        import_id_fields = ("slug",)
        skip_unchanged = True
        report_skipped = False

    def before_import_row(self, row, **kwargs):
        if row.get("contact"):
            row["contact"] = str(row["contact"]).strip().lower()
        elif str(row.get("slug") or "").strip():
            row.pop("contact", None)  # an update without a contact keeps the one it has
        if row.get("country"):
            row["country"] = str(row["country"]).strip().upper()

    def get_instance(self, instance_loader, row):
        if not str(row.get("slug") or "").strip():
            return None
        instance = super().get_instance(instance_loader, row)
        if instance is None:
            raise ValidationError(
                {"slug": [_("No exhibitor with the slug “%(slug)s”.") % {"slug": row["slug"]}]}
            )
        return instance

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if (
            instance.pk is None
            and "main_contact" not in errors
            and instance.main_contact_id is None
        ):
            errors["main_contact"] = [
                _("A new exhibitor needs a contact: the e-mail of their account.")
            ]
        if errors:
            raise ValidationError(errors)

    def save_row(self, instance, is_create, row):
        values = {name: getattr(instance, name) for name in services.ORGANIZATION_FIELDS}
        values = {name: value if value is not None else "" for name, value in values.items()}
        if is_create:
            saved = services.create_organization(by=instance.main_contact, **values)
            instance.pk, instance.slug = saved.pk, saved.slug
        else:
            contact = instance.main_contact if "contact" in row else None
            services.update_organization(
                instance, by=self.request.user, main_contact=contact, **values
            )

    def export(self, queryset=None, **kwargs):
        if queryset is not None:
            queryset = queryset.select_related("main_contact")
        return super().export(queryset=queryset, **kwargs)
