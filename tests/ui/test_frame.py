"""ui.frame: the server's upload limit is Streamlit's server.maxUploadSize."""

from __future__ import annotations

from streamlit import config

from ui import frame


def test_upload_limit_is_streamlits_setting():
    assert frame.upload_limit_mb() == 50  # .streamlit/config.toml
    before = config.get_option("server.maxUploadSize")
    config.set_option("server.maxUploadSize", 7)
    try:
        assert frame.upload_limit_mb() == 7
    finally:
        config.set_option("server.maxUploadSize", before)
