"""The dashboard's set-up error, importable without the web stack."""

from bot.settings import SettingError


class DashboardSetupError(SettingError):
    """The dashboard cannot be served as configured; the message says which setting to change
    (``factbot`` prints it as one line and exits with status 2)."""
