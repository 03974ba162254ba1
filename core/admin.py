"""Admin pages whose saves are made by services.

A service checks its rules again under its locks and may refuse what the form passed (a booking
committed in between, a status changed meanwhile). ``ServiceBackedAdmin`` turns such a refusal
into what a form error looks like: the same POST shown again, validated against the rows as they
are now, the reason on the field (the error's ``field``), on the inline row, or on the form, and
nothing of the save kept. As pretix's control views do after an ``OrderError`` (``return
self.get(...)``): roll back, then show the page as it now is, with the reason.

``core`` knows none of our apps: a subclass names its services' errors in ``service_errors``.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


@dataclass(frozen=True)
class Refusal:
    """A service's refusal, and the inline row (form prefix) it concerns, if any."""

    error: Exception
    prefix: str | None = None

    @property
    def message(self) -> str:
        return str(getattr(self.error, "message", None) or self.error)

    def add_to(self, form) -> None:
        field = getattr(self.error, "field", None)
        form.add_error(field if field in form.fields else None, self.message)


class RowRefused(Exception):
    """Carries a refusal of one inline row out of the admin's transaction (``refusal_on``)."""

    def __init__(self, refusal: Refusal):
        super().__init__(refusal.message)
        self.refusal = refusal


# The refusal the page is being shown again for: set for the second pass of one request only.
_refusal: ContextVar[Refusal | None] = ContextVar("admin_refusal", default=None)


def _refused_form(form_class, refusal: Refusal):
    class RefusedForm(form_class):
        def _post_clean(self):
            super()._post_clean()
            if refusal.prefix is None or refusal.prefix == self.prefix:
                refusal.add_to(self)

    RefusedForm.__name__ = RefusedForm.__qualname__ = f"Refused{form_class.__name__}"
    return RefusedForm


def _refused_formset(formset_class, refusal: Refusal):
    class RefusedFormSet(formset_class):
        def full_clean(self):
            super().full_clean()
            if not refusal.prefix.startswith(f"{self.prefix}-"):
                return
            for form in self.forms:
                if form.prefix != refusal.prefix:
                    continue
                if not (self.can_delete and self._should_delete_form(form)):
                    refusal.add_to(form)
                    return
                break
            # A row being deleted is not validated, or the row is gone: the inline says why.
            self._non_form_errors.append(refusal.message)

    RefusedFormSet.__name__ = RefusedFormSet.__qualname__ = f"Refused{formset_class.__name__}"
    return RefusedFormSet


class ServiceBackedAdmin:
    """A ModelAdmin mixin: saves go through services; their refusals show on the form.

    Put it before ``admin.ModelAdmin`` (or its subclasses) in the bases. ``save_model``,
    ``save_formset`` and ``delete_model`` of the subclass call the services; an error of
    ``service_errors`` raised there (a row's in ``with self.refusal_on(row_form):``) rolls back
    the whole save (rows, history, log entry, mails waiting for the commit) and the change form
    is shown again with the reason. A refused delete goes back to the change page, with the reason
    as a message.
    """

    service_errors: tuple[type[Exception], ...] = ()

    @contextmanager
    def refusal_on(self, form):
        """A refusal raised inside is shown on ``form``, a row of an inline."""
        try:
            yield
        except self.service_errors as exc:
            raise RowRefused(Refusal(exc, form.prefix)) from exc

    def adopt(self, obj, saved) -> None:
        """Make the admin's ``obj`` the row the service created: the log entry, the inlines and
        the redirect that follow ``save_model`` use it."""
        obj.pk = saved.pk
        obj.refresh_from_db()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method in SAFE_METHODS:
            return super().changeform_view(request, object_id, form_url, extra_context)
        try:
            # Django's own transaction around the save: leaving it by an exception undoes it all.
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RowRefused as refused:
            refusal = refused.refusal
        except self.service_errors as exc:
            refusal = Refusal(exc)
        token = _refusal.set(refusal)
        try:
            # The same POST, bound to the rows as they are now; the refusal keeps the form
            # invalid, so this pass saves nothing.
            return super().changeform_view(request, object_id, form_url, extra_context)
        finally:
            _refusal.reset(token)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        refusal = _refusal.get()
        return form if refusal is None else _refused_form(form, refusal)

    def get_formsets_with_inlines(self, request, obj=None):
        refusal = _refusal.get()
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            if refusal is not None and refusal.prefix is not None:
                formset = _refused_formset(formset, refusal)
            yield formset, inline

    def delete_view(self, request, object_id, extra_context=None):
        try:
            # Django's transaction around the delete: leaving it by an exception undoes it all.
            return super().delete_view(request, object_id, extra_context)
        except self.service_errors as exc:
            self.message_user(request, Refusal(exc).message, messages.ERROR)
            opts = self.opts
            return redirect(
                reverse(
                    f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                    args=[object_id],
                )
            )


class CleanIdsAutocompleteMixin:
    """An autocomplete widget that shows only well-formed ids again.

    An invalid form re-renders its autocomplete fields with the values posted; Django's widget
    looks them up as they are, and a text id (``abc``) raises ``ValueError``: a 500 where the form
    should say "Select a valid choice". Values the target field cannot parse are left out.
    """

    def optgroups(self, name, value, attrs=None):
        remote = self.field.remote_field
        opts = remote.model._meta
        target = opts.get_field(getattr(remote, "field_name", None) or opts.pk.name)
        clean = []
        for item in value:
            try:
                target.to_python(item)
            except (ValidationError, TypeError, ValueError):
                continue
            clean.append(item)
        return super().optgroups(name, clean, attrs)


class CleanAutocompleteSelect(CleanIdsAutocompleteMixin, AutocompleteSelect):
    pass


class CleanAutocompleteSelectMultiple(CleanIdsAutocompleteMixin, AutocompleteSelectMultiple):
    pass


class CleanAutocompleteAdmin:
    """A ModelAdmin or inline mixin: its ``autocomplete_fields`` use the widgets above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CleanAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CleanAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


# --- Confirmation before irreversible or mass changes ------------------------------------------
CONFIRM_LISTED = 30  # rows named on the page; the rest are counted


def confirmed(request) -> bool:
    """The POST comes from the confirmation page (``confirm=1``): act now."""
    return request.method == "POST" and request.POST.get("confirm") == "1"


def confirmation_page(
    request,
    model_admin,
    *,
    title,
    effects,
    rows,
    button,
    describe=str,
    form=None,
    cancel_url="",
):
    """The page asking before an irreversible or mass change, posting the same request again.

    It says what will happen (``effects``, sentences) and to whom: the first rows of ``rows`` (a
    queryset or list), each as ``describe(row)``, and how many there are in all (two queries for
    a queryset, whatever its size). Every field of the POST that led here is posted again (an
    admin action's ``action``, ``_selected_action``, ``select_across``, ``index``), with
    ``confirm=1`` and the fields of ``form`` (a reason), so the view or action acts only on the
    second POST (``confirmed(request)``). Nothing is changed by showing it.
    """
    from django.template.response import TemplateResponse

    if hasattr(rows, "count") and not isinstance(rows, list):
        total = rows.count()
        listed = list(rows[:CONFIRM_LISTED])
    else:
        rows = list(rows)
        total, listed = len(rows), rows[:CONFIRM_LISTED]
    own = {"csrfmiddlewaretoken", "confirm", *(form.fields if form is not None else ())}
    carried = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in own
        for value in values
    ]
    opts = model_admin.model._meta
    return TemplateResponse(
        request,
        "admin/confirm_action.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": title,
            "opts": opts,
            "effects": effects,
            "listed": [describe(row) for row in listed],
            "total": total,
            "more": total - len(listed),
            "carried": carried,
            "form": form,
            "button": button,
            "cancel_url": cancel_url
            or reverse(
                f"{model_admin.admin_site.name}:{opts.app_label}_{opts.model_name}_changelist"
            ),
        },
    )


# --- A searchable picker over a long list of choices --------------------------------------------
class SearchableSelect(forms.Select):
    """A select of many (grouped) choices that the admin shows as a searchable picker: Django's
    vendored select2 over the options on the page, no request per keystroke (a few hundred
    choices: an announcement's recipients)."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        from django.contrib.admin.widgets import get_select2_language

        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["class"] = f"{attrs.get('class', '')} searchable-select".strip()
        attrs["data-language"] = get_select2_language() or "en"
        return attrs

    @property
    def media(self):
        from django.contrib.admin.widgets import get_select2_language

        language = get_select2_language()
        i18n = [f"admin/js/vendor/select2/i18n/{language}.js"] if language else []
        return forms.Media(
            js=[
                "admin/js/vendor/jquery/jquery.min.js",
                "admin/js/vendor/select2/select2.full.min.js",
                *i18n,
                "admin/js/jquery.init.js",
                "js/admin-searchable-select.js",
            ],
            css={
                "screen": ["admin/css/vendor/select2/select2.min.css", "admin/css/autocomplete.css"]
            },
        )
