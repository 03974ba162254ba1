from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from . import services


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    """One-click opt-out from announcements, no login needed: the signed token is the proof.

    GET shows a button (link scanners must not unsubscribe anyone); POST, from that button or a
    mail client's ``List-Unsubscribe-Post``, carries it out. CSRF-exempt because mail clients
    post without a token and the signature already ties the request to one account.
    """

    template_name = "notifications/unsubscribe.html"

    def get(self, request, token):
        try:
            user = services.user_from_unsubscribe_token(token)
        except services.NotificationError as exc:
            return render(request, self.template_name, {"error": str(exc)}, status=400)
        return render(request, self.template_name, {"account": user, "done": False})

    def post(self, request, token):
        try:
            user = services.unsubscribe(token)
        except services.NotificationError as exc:
            return render(request, self.template_name, {"error": str(exc)}, status=400)
        return render(request, self.template_name, {"account": user, "done": True})
