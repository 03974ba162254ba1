"""The short code printed beside the QR: typed at the desk, throttled per scanner, recorded when
wrong; the desk finds a person by name or e-mail."""

import re

import pytest
from django.urls import reverse

from delegates import services
from delegates.badges import badge_html
from delegates.models import (
    SHORT_CODE_ALPHABET,
    Badge,
    CheckIn,
    WrongCode,
    format_short_code,
    new_short_code,
    normalise_short_code,
)
from tests.delegates.conftest import approved_registration
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def scan(client, text):
    return client.post(reverse("delegates:desk"), {"token": text})


def test_a_short_code_carries_fifty_random_bits():
    codes = {new_short_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == 10 and set(c) <= set(SHORT_CODE_ALPHABET) for c in codes)
    assert len(set(SHORT_CODE_ALPHABET)) == 32  # 5 bits a character, 10 characters: 50 bits
    assert not set("ILOU") & set(SHORT_CODE_ALPHABET)


def test_typing_is_forgiving():
    assert normalise_short_code(" abcde-fghjk ") == "ABCDEFGHJK"
    assert normalise_short_code("o0iIl-L1234") == "0011111234"
    assert format_short_code("ABCDEFGHJK") == "ABCDE-FGHJK"


def test_the_badge_prints_the_short_code():
    registration = approved_registration(name="Printed Person")
    badge = services.badge_for(registration)
    assert re.fullmatch(r"[0-9A-Z]{5}-[0-9A-Z]{5}", badge.printed_code)
    assert badge.printed_code in badge_html([badge])


def test_the_desk_accepts_the_typed_code(client, desk_user):
    registration = approved_registration(name="Typed Person")
    badge = services.badge_for(registration)
    client.force_login(desk_user)
    typed = badge.printed_code.lower().replace("0", "o").replace("1", "l")
    page = scan(client, typed).content.decode()
    assert "Welcome — checked in" in page and "Typed Person" in page
    assert CheckIn.objects.filter(registration=registration).exists()
    assert not WrongCode.objects.exists()


def test_a_revoked_badge_typed_is_refused(client, desk_user):
    registration = approved_registration(name="Lost Badge")
    badge = services.badge_for(registration)
    services.revoke_badge(badge, reason=Badge.RevokeReason.LOST)
    client.force_login(desk_user)
    page = scan(client, badge.printed_code).content.decode()
    assert "Badge revoked" in page
    assert not CheckIn.objects.exists()


def test_wrong_codes_are_recorded_and_a_burst_is_throttled(client, desk_user, organizer):
    registration = approved_registration(name="Real Person")
    badge = services.badge_for(registration)
    client.force_login(desk_user)
    page = client.get(reverse("delegates:desk")).content.decode()
    assert "After 10 wrong codes within 10 minutes, typing pauses for a while." in page
    for i in range(services.TYPED_CODE_LIMIT):
        response = scan(client, f"ZZZZZ-ZZZ{i:02d}")
        assert response.status_code == 200 and "Unknown badge" in response.content.decode()
    assert WrongCode.objects.filter(scanned_by=desk_user, place="desk").count() == 10
    # Even the right code waits now; the QR (signed) still works.
    response = scan(client, badge.printed_code)
    assert response.status_code == 429
    assert "Too many wrong codes" in response.content.decode()
    assert not CheckIn.objects.exists()
    from delegates.badges import token_for

    assert "Welcome — checked in" in scan(client, token_for(badge)).content.decode()
    # Another desk person is not throttled by the first one's guesses.
    other = UserFactory()
    other.groups.set(desk_user.groups.all())
    client.force_login(other)
    assert scan(client, "ZZZZZ-ZZZZZ").status_code == 200
    # The organizers see the wrong codes in the admin.
    client.force_login(organizer)
    page = client.get(reverse("admin:delegates_wrongcode_changelist")).content.decode()
    assert "ZZZZZ-ZZZ09" in page and "check-in desk" in page


def test_the_desk_finds_a_person_by_name_or_email(client, desk_user, delegate_with_photo):
    registration = delegate_with_photo("Findable Person")
    approved_registration(name="Someone Else")
    client.force_login(desk_user)
    page = client.get(reverse("delegates:desk"), {"q": "findable"}).content.decode()
    assert "No valid badge" in page
    services.badge_for(registration)
    page = client.get(reverse("delegates:desk"), {"q": "findable"}).content.decode()
    assert "Findable Person" in page and "Someone Else" not in page
    photo = re.search(r'src="([^"]*/desk/photos/[^"]*)"', page).group(1).replace("&amp;", "&")
    assert client.get(photo).status_code == 200
    # The signed link is this desk person's: another one gets nothing.
    other = UserFactory()
    other.groups.set(desk_user.groups.all())
    client.force_login(other)
    assert client.get(photo).status_code == 404
    client.force_login(desk_user)
    page = client.get(reverse("delegates:desk"), {"q": registration.user.email}).content.decode()
    assert "Findable Person" in page
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    assert "Welcome — checked in" in scan(client, token).content.decode()
    assert (
        "No approved registration matches."
        in client.get(reverse("delegates:desk"), {"q": "nobody-at-all"}).content.decode()
    )


def test_finding_people_is_for_the_desk_only(client):
    approved_registration(name="Private Person")
    client.force_login(UserFactory())
    response = client.get(reverse("delegates:desk"), {"q": "Private"})
    assert response.status_code == 403


DESK_LOOKUP_QUERIES = 10  # the desk's own (session, user, permissions, scope picker) + 2 lookup


def test_desk_lookup_queries_do_not_grow(client, desk_user):
    import itertools

    from tests.queries import assert_queries_do_not_grow

    people = itertools.count()
    client.force_login(desk_user)

    def more(n):
        for _i in range(n):
            services.badge_for(approved_registration(name=f"Lookup Person {next(people)}"))

    pages = assert_queries_do_not_grow(
        lambda: client.get(reverse("delegates:desk"), {"q": "Lookup Person"}),
        more,
        budget=DESK_LOOKUP_QUERIES,
    )
    assert pages[1].content.decode().count("desk-person border") == 6
