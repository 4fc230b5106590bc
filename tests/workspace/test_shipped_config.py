"""The shipped Streamlit configuration sets its security settings explicitly."""

import tomllib

from tests.conftest import ROOT


def test_xsrf_protection_and_bind_address_are_explicit():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    server = config["server"]
    assert server["enableXsrfProtection"] is True
    assert server["enableCORS"] is True  # (XSRF protection needs it)
    assert server["address"] == "127.0.0.1"
    assert server["maxUploadSize"] == 50
