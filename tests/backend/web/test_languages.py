"""The console's languages are gettext catalogs: complete, pluralised, and a new one is a catalog."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from backend.web.i18n import TRANSLATIONS

WEB = Path(__file__).resolve().parents[3] / "backend" / "web"


def _extract(tmp_path) -> Path:
    pot = tmp_path / "messages.pot"
    cmd = [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(WEB / "babel.cfg")]
    cmd += ["-k", "lazy_gettext", "-k", "lazy_pgettext:1c,2", "-o", str(pot), str(WEB)]
    subprocess.run(cmd, check=True, capture_output=True)
    return pot


def test_every_string_of_the_pages_has_a_chinese_translation(tmp_path):
    """Each msgid extracted from the templates, scripts and labels is translated in the zh catalog."""
    with open(_extract(tmp_path), "rb") as fh:
        wanted = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in read_po(fh) if m.id}
    with open(TRANSLATIONS / "zh/LC_MESSAGES/messages.po", "rb") as fh:
        zh = read_po(fh)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0], m.context)
        for m in zh
        if m.id and all(m.string if isinstance(m.string, tuple) else (m.string,))
    }
    assert len(wanted) > 100
    assert sorted(wanted - translated) == []


def _catalog_dir_with_french(tmp_path) -> Path:
    """The shipped catalogs plus a French one that translates two strings."""
    folder = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, folder)
    fr = folder / "fr" / "LC_MESSAGES"
    fr.mkdir(parents=True)
    (fr / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
        'msgid "Sign in"\nmsgstr "Se connecter"\n\n'
        'msgid "requested"\nmsgstr "demandée"\n',
        encoding="utf-8",
    )
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "compile", "-d", str(folder), "-l", "fr"],
        check=True,
        capture_output=True,
    )
    return folder


def test_a_third_language_is_only_a_catalog(tmp_path, request):
    """Dropping a compiled French catalog in the folder offers French: the page and its scripts' labels speak it."""
    from backend.app import create_app
    from tests.conftest import _test_settings

    folder = _catalog_dir_with_french(tmp_path)
    template = request.getfixturevalue("sqlite_template")
    db = tmp_path / "fr.db"
    shutil.copy(template, db)
    app = create_app(
        {**_test_settings(), "DATABASE_URL": f"sqlite:///{db}", "BABEL_TRANSLATION_DIRECTORIES": str(folder)}
    )
    client = app.test_client()
    page = client.get("/console/login?lang=fr").get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "Se connecter" in page
    # The scripts' labels for the API's values, in the page's data.
    config = json.loads(page.split('<script id="console-config" type="application/json">')[1].split("</script>")[0])
    assert config["i18n"]["labels"]["requested"] == "demandée"
    assert config["i18n"]["messages"]["Sign in"] == "Se connecter"
    assert 'hreflang="zh"' in page and 'hreflang="en"' in page  # the switcher offers the others
    # A string French does not translate falls back to the English source, not to a key.
    assert "Username" in page
    zh = client.get("/console/login?lang=zh").get_data(as_text=True)
    assert "登录" in zh and 'hreflang="fr"' in zh and "français" in zh.lower()


def test_counts_take_the_plural_form_of_the_page_language(live, browser):
    """The scripts' ngettext picks English's singular and plural and Chinese's one form from the catalog."""
    _, base = live
    page = browser.new_page()
    said = {}
    for lang in ("en", "zh"):
        page.goto(f"{base}/console/login?lang={lang}")
        said[lang] = page.evaluate("[1, 5].map((n) => ngettext('%(num)s place left', '%(num)s places left', n))")
    page.close()
    assert said["en"] == ["1 place left", "5 places left"]
    assert said["zh"] == ["剩余 1 个名额", "剩余 5 个名额"]
