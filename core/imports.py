"""Spreadsheets into the admin, all or nothing (django-import-export).

``AllOrNothingImportMixin`` goes on a ModelAdmin, before the admin class; ``ServiceResource`` is
the base of its import resources. Together:

1. **Upload**: the file is read (CSV or XLSX, UTF-8, at most ``IMPORT_MAX_BYTES``, the resource's
   ``required_columns`` present; otherwise a message on the form, never a 500) and every row runs
   through the app's services in a transaction that is rolled back: the preview. Each refused row
   shows with its number, column and message, in the page's language; while any row is refused
   there is no confirm button.
2. **Confirm**: the file is read again and every row run again through the services. If any row
   is refused now (a room booked meanwhile), the whole import is rolled back and the page shows the
   rows and why: nothing is saved.

Rows are saved by ``ServiceResource.save_row`` (a service call), never by ``instance.save()``;
a refusal of ``service_errors`` (its ``field`` names the column) is the row's error. ``core``
knows none of our apps: a subclass names its services and their errors.
"""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from import_export import resources, widgets
from import_export.admin import ExportMixin, ImportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm, ImportForm

IMPORT_MAX_BYTES = 2 * 1024 * 1024


class BoundedImportForm(ImportForm):
    """The upload form, refusing files over ``IMPORT_MAX_BYTES`` before anything reads them."""

    def clean_import_file(self):
        file = self.cleaned_data["import_file"]
        if file.size > IMPORT_MAX_BYTES:
            raise ValidationError(
                _("The file is too large: at most %(mb)d MB.") % {"mb": IMPORT_MAX_BYTES // 2**20}
            )
        if file.size == 0:
            raise ValidationError(_("The file is empty."))
        return file


class RefWidget(widgets.ForeignKeyWidget):
    """A row named by its slug (or ``field``); an unknown one is the row's error, in words.
    ``queryset(row, request)`` may narrow the rows a user may name (a host: their events)."""

    def clean(self, value, row=None, **kwargs):
        value = str(value or "").strip()
        if not value:
            return None
        try:
            return super().clean(value, row=row, **kwargs)
        except (self.model.DoesNotExist, self.model.MultipleObjectsReturned) as exc:
            raise ValueError(
                _("No %(what)s with the %(field)s “%(value)s”.")
                % {
                    "what": self.model._meta.verbose_name,
                    "field": self.model._meta.get_field(self.field).verbose_name,
                    "value": value,
                }
            ) from exc


class RefsWidget(widgets.ManyToManyWidget):
    """Several rows named by their slugs, separated by ``;``; every unknown one is named."""

    def __init__(self, model, field="slug", **kwargs):
        super().__init__(model, separator=";", field=field, **kwargs)

    def clean(self, value, row=None, **kwargs):
        names = [name.strip() for name in str(value or "").split(self.separator) if name.strip()]
        found = {getattr(obj, self.field): obj for obj in self.get_queryset(names)}
        unknown = [name for name in names if name not in found]
        if unknown:
            raise ValueError(
                _("No %(what)s with the %(field)s “%(value)s”.")
                % {
                    "what": self.model._meta.verbose_name,
                    "field": self.model._meta.get_field(self.field).verbose_name,
                    "value": "”, “".join(unknown),
                }
            )
        return [found[name] for name in names]

    def get_queryset(self, names):
        return self.model.objects.filter(**{f"{self.field}__in": names})

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        items = value.all() if hasattr(value, "all") else value
        return self.separator.join(str(getattr(item, self.field)) for item in items)


class ServiceResource(resources.ModelResource):
    """An import resource whose rows are saved by the app's services (``save_row``).

    ``request`` is the admin's request (its user may narrow what a row may name);
    ``service_errors`` are the services' refusals, shown as the row's error on the column their
    ``field`` names; ``required_columns`` must head the file.
    """

    service_errors: tuple[type[Exception], ...] = ()
    required_columns: tuple[str, ...] = ()

    def __init__(self, request=None, **kwargs):
        super().__init__(**kwargs)
        self.request = request

    def before_import(self, dataset, **kwargs):
        headers = [str(h or "").strip() for h in dataset.headers or []]
        missing = [name for name in self.required_columns if name not in headers]
        if missing:
            raise ImportRefused(
                _("The file needs the columns %(columns)s (found: %(found)s).")
                % {"columns": ", ".join(missing), "found": ", ".join(headers) or "—"}
            )
        dataset.headers = headers

    def import_row(self, row, instance_loader, **kwargs):
        result = super().import_row(row, instance_loader, **kwargs)
        error = result.validation_error
        if error is not None and hasattr(error, "error_dict"):
            # Errors by the column the reader sees in their file, not by the model's attribute.
            columns = {f.attribute: f.column_name for f in self.get_import_fields() if f.attribute}
            result.validation_error = ValidationError(
                {columns.get(key, key): value for key, value in error.error_dict.items()}
            )
        return result

    def save_row(self, instance, is_create: bool, row: dict):
        raise NotImplementedError

    def save_instance(self, instance, is_create, row, **kwargs):
        try:
            self.save_row(instance, is_create, row)
        except self.service_errors as exc:
            field = getattr(exc, "field", None)
            key = field if field in self.fields else NON_FIELD_ERRORS
            raise ValidationError({key: [str(getattr(exc, "message", None) or exc)]}) from exc

    def save_m2m(self, instance, row, **kwargs):
        """The services set relations with the rest of the row."""

    def import_instance(self, instance, row, **kwargs):
        """Plain columns onto the instance, relations (``;``-separated slugs) into
        ``instance.import_m2m`` for ``save_row``; every unreadable value is its column's error."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        instance.import_m2m = {}
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    instance.import_m2m[field.attribute] = field.clean(row)
                except ValueError as exc:
                    errors[field.attribute] = [str(exc)]
        if errors:
            raise ValidationError(errors)

    def export_field(self, field, instance, **kwargs):
        if isinstance(field.widget, widgets.ManyToManyWidget):
            staged = getattr(instance, "import_m2m", {})
            if field.attribute in staged:
                return field.widget.render(staged[field.attribute])
            if instance.pk is None:
                return ""
        return super().export_field(field, instance, **kwargs)


class ImportRefused(Exception):
    """A file the import cannot take at all (columns missing); shown as its message alone."""


class SpreadsheetExportMixin(ExportMixin):
    """A ModelAdmin's export (CSV, XLSX, every column of the resource). The rows come from the
    admin's ``get_queryset`` (with the list's filters): a user exports what their role lets them
    see, and nothing else."""

    export_formats = [CSV, XLSX]
    export_form_class = ExportForm  # every column: an export imports back as it is

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"request": request}


class AllOrNothingImportMixin(ImportMixin, SpreadsheetExportMixin):
    """A ModelAdmin's import (a preview, then all or nothing on confirm) and export."""

    import_export_change_list_template = "admin/import_export/change_list_import_export.html"
    import_formats = [CSV, XLSX]
    import_form_class = BoundedImportForm
    import_template_name = "admin/core/import.html"
    import_error_display = ("message",)

    def get_import_resource_kwargs(self, request, **kwargs):
        return {"request": request}

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs.pop("request", None)
        # On confirm, one refused row rolls back every row (the preview always rolls back).
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, UnicodeError):
            message = _(
                "The file is not UTF-8 text: save it as “CSV UTF-8” or as an Excel workbook (.xlsx)."
            )
        else:
            message = _(
                "The file cannot be read as the format chosen: upload a CSV or an Excel "
                "workbook (.xlsx) and choose its format."
            )
        form.add_error("import_file", message)

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        self._explain(response)
        return response

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except (OSError, ValueError, IndexError, UnicodeError):
            # The stored upload is gone (or the confirmation was tampered with): start again.
            form = self.create_import_form(request)
            form.errors["import_file"] = form.error_class(
                [_("The uploaded file is no longer available: upload it again.")]
            )
            return self._page(request, form=form)

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request,
                _(
                    "Nothing was imported: these rows are refused now. Correct them and "
                    "upload the file again."
                ),
            )
            form = self.get_import_form_class(request)(
                self.get_import_formats(), self.get_import_resource_classes(request)
            )
            return self._page(request, form=form, result=result)
        return super().process_result(result, request)

    def _page(self, request, **context):
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import"),
            "opts": self.model._meta,
            "import_error_display": self.import_error_display,
            "fields_list": [],
            **context,
        }
        response = TemplateResponse(request, [self.import_template_name], context)
        self._explain(response)
        return response

    @staticmethod
    def _explain(response):
        """The rows' errors as lines a reader takes in at once: row, column, message."""
        result = getattr(response, "context_data", {}).get("result")
        if result is None:
            return
        lines = []
        for error in result.base_errors:
            lines.append({"row": None, "column": None, "message": _error_text(error.error)})
        for number, errors in result.row_errors():
            for error in errors:
                lines.append({"row": number, "column": None, "message": _error_text(error.error)})
        for row in result.invalid_rows:
            for column, messages_ in row.field_specific_errors.items():
                for message in messages_:
                    lines.append({"row": row.number, "column": column, "message": message})
            for message in row.non_field_specific_errors:
                lines.append({"row": row.number, "column": None, "message": message})
        response.context_data["error_lines"] = lines


def _error_text(error) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    return str(error) or error.__class__.__name__
