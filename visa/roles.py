"""The visa desk: the only role that reviews visa requests and sees passport data."""

VISA_DESK = "visa desk"

ROLES = {
    VISA_DESK: [
        "visa.view_letterrequest",
        "visa.review_request",
        "visa.view_passport_data",
        "visa.view_passportaccess",
        "visa.view_statistics",
    ],
    # Counts by status and nationality, no personal data.
    "forum secretariat": ["visa.view_statistics"],
}
