"""The exhibition team reviews exhibitors in the admin: everything in exhibitors, nothing else."""

EXHIBITION_TEAM = "exhibition team"

ROLES = {
    EXHIBITION_TEAM: ["exhibitors.*"],
}
