"""The Teams app package (`make package`): built from the settings into a temporary directory and
validated offline against the official schemas, twice over (jsonschema with the `regex` engine,
and Microsoft's own npm library), and against what Teams expects beyond the schema."""

from __future__ import annotations

import copy
import io
import json
import re
import shutil
import subprocess
import typing
import zipfile
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from bot.commands import COMMANDS, parse
from manifest import checks
from manifest.build import (
    PLACEHOLDER_APP_ID,
    TEMPLATE,
    PackageError,
    build,
    main,
    problems,
    render,
)
from manifest.icons import ACCENT_COLOR, COLOR_FILE, ICON_DIR, OUTLINE_FILE, write_icons
from manifest.schema import LOCALIZATION_SCHEMA, load_schema, schema_errors
from manifest.settings import PackageSettings

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = ROOT / "tests" / "tools" / "validate_manifest.mjs"

APP_ID = "6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b"
DOMAIN = "wasstraat.gemeente-voorbeeld.nl"
CONFIGURED = {
    "MICROSOFT_APP_ID": APP_ID,
    "WASSTRAAT_PUBLIC_DOMAIN": DOMAIN,
    "WASSTRAAT_APP_VERSION": "1.4.2",
    "WASSTRAAT_DEVELOPER_NAME": "Gemeente Voorbeeld",
    "WASSTRAAT_DEVELOPER_URL": "https://www.gemeente-voorbeeld.nl/",
    "WASSTRAAT_PRIVACY_URL": "https://www.gemeente-voorbeeld.nl/privacy",
    "WASSTRAAT_TERMS_URL": "https://www.gemeente-voorbeeld.nl/voorwaarden",
}
PACKAGE_FILES = {"manifest.json", "color.png", "outline.png", "en.json"}


@pytest.fixture(autouse=True)
def no_outside_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Only what a test sets: no package settings from the environment or a `.env` file."""
    for name in [*CONFIGURED, "MicrosoftAppId"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in CONFIGURED.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def built(configured: None, tmp_path: Path) -> Path:
    """`make package`, writing into a temporary dist/."""
    assert main(["--out", str(tmp_path / "dist")]) == 0
    return tmp_path / "dist" / "wasstraat-1.4.2.zip"


def unpack(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def manifest_of(files: dict[str, bytes]) -> dict[str, Any]:
    return json.loads(files["manifest.json"])


def english_of(files: dict[str, bytes]) -> dict[str, Any]:
    return json.loads(files["en.json"])


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


# --- the built package -------------------------------------------------------------------------


def test_the_zip_holds_exactly_the_manifest_icons_and_language_file_at_its_root(built: Path):
    with zipfile.ZipFile(built) as archive:
        names = archive.namelist()
        assert archive.testzip() is None
    assert sorted(names) == sorted(PACKAGE_FILES)
    assert all("/" not in name for name in names)


def test_the_manifest_carries_the_configured_ids_domain_version_and_developer(built: Path):
    manifest = manifest_of(unpack(built))
    assert manifest["id"] == APP_ID
    assert [bot["botId"] for bot in manifest["bots"]] == [APP_ID]
    assert manifest["validDomains"] == [DOMAIN]
    assert manifest["version"] == "1.4.2"
    assert manifest["developer"] == {
        "name": "Gemeente Voorbeeld",
        "websiteUrl": "https://www.gemeente-voorbeeld.nl/",
        "privacyUrl": "https://www.gemeente-voorbeeld.nl/privacy",
        "termsOfUseUrl": "https://www.gemeente-voorbeeld.nl/voorwaarden",
    }
    assert "${{" not in json.dumps(manifest)


def test_the_bot_talks_in_personal_team_and_group_chats_in_dutch_with_english(built: Path):
    manifest = manifest_of(unpack(built))
    assert manifest["manifestVersion"] == "1.30"
    assert manifest["$schema"].endswith("/teams/v1.30/MicrosoftTeams.schema.json")
    (bot,) = manifest["bots"]
    assert set(bot["scopes"]) == {"personal", "team", "groupChat"}
    assert bot["supportsFiles"] is False and bot["isNotificationOnly"] is False
    listed = {scope for command_list in bot["commandLists"] for scope in command_list["scopes"]}
    assert listed == {"personal", "team", "groupChat"}
    assert manifest["localizationInfo"] == {
        "defaultLanguageTag": "nl-NL",
        "additionalLanguages": [{"languageTag": "en", "file": "en.json"}],
    }
    assert manifest["accentColor"] == ACCENT_COLOR
    assert len(manifest["name"]["short"]) <= 30


def test_the_manifest_and_language_file_pass_the_official_schemas(built: Path):
    files = unpack(built)
    manifest = manifest_of(files)
    assert schema_errors(manifest, load_schema("1.30")) == []
    assert schema_errors(english_of(files), load_schema("1.30", LOCALIZATION_SCHEMA)) == []


def run_microsoft_validator(directory: Path) -> dict[str, list[str]]:
    node = shutil.which("node")
    assert node, "node is needed for Microsoft's manifest validator"
    result = subprocess.run(
        [node, str(VALIDATOR), str(directory)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=120,
    )
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    return {report["file"]: report["errors"] for report in reports}


def test_the_package_passes_microsofts_own_validator(built: Path, tmp_path: Path):
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(built) as archive:
        archive.extractall(unpacked)
    assert run_microsoft_validator(unpacked) == {"manifest.json": [], "en.json": []}


def test_microsofts_validator_does_catch_a_broken_package(built: Path, tmp_path: Path):
    files = unpack(built)
    manifest = manifest_of(files)
    manifest["bots"][0]["botId"] = "not-a-guid"
    del manifest["developer"]
    english = english_of(files) | {"bots[0].commandLists[3].commands[0].title": "too many lists"}
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    (broken / "en.json").write_text(json.dumps(english), "utf-8")
    reports = run_microsoft_validator(broken)
    assert any("developer" in error for error in reports["manifest.json"])
    assert any("pattern" in error for error in reports["manifest.json"])
    assert any("commandLists[3]" in error for error in reports["en.json"])


def test_the_checks_beyond_the_schema_pass_on_the_built_package(built: Path):
    files = unpack(built)
    manifest, english = manifest_of(files), english_of(files)
    localization_schema = load_schema("1.30", LOCALIZATION_SCHEMA)
    assert checks.check_icons(manifest, files) == []
    assert checks.check_command_titles(manifest, {"en.json": english}) == []
    assert checks.check_localization(manifest, "en.json", english, localization_schema) == []
    assert checks.check_package_files(manifest, list(files)) == []
    assert checks.check_version(manifest, load_schema("1.30")) == []
    assert checks.check_tabs(manifest) == []


def test_every_dutch_string_that_teams_can_localize_has_an_english_translation(built: Path):
    files = unpack(built)
    manifest, english = manifest_of(files), english_of(files)
    localizable = checks.localizable_strings(manifest, load_schema("1.30", LOCALIZATION_SCHEMA))
    titles = checks.command_titles(manifest)
    assert {"name.short", "name.full", "description.short", "description.full"} <= set(localizable)
    assert set(titles) <= set(localizable)
    assert len(titles) == 11
    assert set(english) - {"$schema"} == set(localizable)
    for key, dutch in localizable.items():
        if key.endswith(".description") or key.startswith("description."):
            assert english[key] != dutch, f"{key} is not translated"


def test_every_command_in_the_menu_is_one_the_bot_understands_in_both_languages(built: Path):
    files = unpack(built)
    manifest, english = manifest_of(files), english_of(files)
    for key, dutch in checks.command_titles(manifest).items():
        dutch_word, _ = parse(dutch)
        english_word, _ = parse(english[key])
        assert COMMANDS.get(dutch_word) is not None, dutch
        # The same command in both languages: the files cannot drift out of order.
        assert COMMANDS.get(english_word) is COMMANDS.get(dutch_word), (dutch, english[key])
    menu = {parse(title)[0] for title in checks.command_titles(manifest).values()}
    assert {COMMANDS.get(word) for word in menu} == {
        COMMANDS.get(word) for word in ("help", "status", "start", "mijn", "idee", "herinner")
    }


# --- the tabs and single sign-on ---------------------------------------------------------------


def test_the_personal_tab_opens_the_portfolio_on_the_deployments_domain_beside_the_chat(
    built: Path,
):
    manifest = manifest_of(unpack(built))
    chat, portfolio = manifest["staticTabs"]
    # The bot's chat stays the first tab (and where the app opens), the portfolio next to it.
    assert chat == {"entityId": "conversations", "scopes": ["personal"]}
    assert portfolio == {
        "entityId": "portfolio",
        "name": "Wasstraat",
        "contentUrl": f"https://{DOMAIN}/tab/?context=personal&locale={{locale}}",
        "websiteUrl": f"https://{DOMAIN}/tab/?context=personal",
        "scopes": ["personal"],
    }


def test_a_team_adds_the_portfolio_to_a_channel_through_its_configuration_page(built: Path):
    manifest = manifest_of(unpack(built))
    assert manifest["configurableTabs"] == [
        {
            "configurationUrl": f"https://{DOMAIN}/tab/config?locale={{locale}}",
            "canUpdateConfiguration": True,
            "scopes": ["team"],
            "context": ["channelTab"],
        }
    ]
    # Adding the app to a team still starts with the bot.
    assert manifest["defaultGroupCapability"]["team"] == "bot"


def test_single_sign_on_asks_entra_for_a_token_for_the_bots_app_on_the_domain(built: Path):
    manifest = manifest_of(unpack(built))
    assert manifest["webApplicationInfo"] == {
        "id": APP_ID,
        "resource": f"api://{DOMAIN}/{APP_ID}",
    }
    assert manifest["validDomains"] == [DOMAIN]
    assert all(url.startswith(f"https://{DOMAIN}/") for url in checks.tab_urls(manifest).values())


def test_without_settings_the_tabs_and_sign_on_use_the_placeholders(tmp_path: Path):
    settings = PackageSettings(_env_file=None)  # type: ignore[call-arg]
    manifest = render(settings).manifest
    domain, app_id = "wasstraat.example.org", PLACEHOLDER_APP_ID
    assert manifest["staticTabs"][1]["contentUrl"].startswith(f"https://{domain}/tab/")
    assert manifest["configurableTabs"][0]["configurationUrl"].startswith(f"https://{domain}/")
    assert manifest["webApplicationInfo"] == {"id": app_id, "resource": f"api://{domain}/{app_id}"}
    assert checks.check_tabs(manifest) == []


def test_the_tab_name_is_a_string_teams_localizes_and_english_names_it(built: Path):
    files = unpack(built)
    manifest, english = manifest_of(files), english_of(files)
    localizable = checks.localizable_strings(manifest, load_schema("1.30", LOCALIZATION_SCHEMA))
    # Only the portfolio tab has a name; the chat tab and the channel tab take Teams' own.
    assert {key for key in localizable if key.startswith(("staticTabs", "configurableTabs"))} == {
        "staticTabs[1].name"
    }
    assert english["staticTabs[1].name"] == "Wasstraat"
    schema = load_schema("1.30", LOCALIZATION_SCHEMA)
    assert schema_errors(english | {"staticTabs[1].name": "x" * 129}, schema)
    assert schema_errors(english | {"configurableTabs[0].name": "x"}, schema)


def test_the_tab_checks_catch_pages_off_the_domain_a_nameless_tab_and_a_wrong_resource(
    package_parts,
):
    manifest, _ = package_parts
    schema = load_schema("1.30")
    bad = copy.deepcopy(manifest)
    bad["staticTabs"][1]["contentUrl"] = f"http://{DOMAIN}/tab/"
    bad["staticTabs"][1]["websiteUrl"] = "https://elders.example.org/tab/"
    del bad["staticTabs"][1]["name"]
    bad["webApplicationInfo"]["resource"] = f"api://{APP_ID}"
    assert schema_errors(bad, schema) == []  # the schema lets all of it by
    assert checks.check_tabs(bad) == [
        f"staticTabs[1].contentUrl 'http://{DOMAIN}/tab/' is not an https:// address",
        "staticTabs[1].websiteUrl 'https://elders.example.org/tab/' is not on a valid domain "
        f"({DOMAIN})",
        "staticTabs[1] (portfolio) has a page but no name",
        f"webApplicationInfo.resource 'api://{APP_ID}' is not api://<valid domain>/{APP_ID}",
    ]
    wildcard = copy.deepcopy(manifest)
    wildcard["validDomains"] = [f"*.{DOMAIN.split('.', 1)[1]}"]
    wildcard["webApplicationInfo"]["resource"] = f"api://{DOMAIN}/{APP_ID}"
    assert checks.check_tabs(wildcard) == []
    other_app = copy.deepcopy(manifest)
    other_app["webApplicationInfo"]["resource"] = f"api://{DOMAIN}/{PLACEHOLDER_APP_ID}"
    assert len(checks.check_tabs(other_app)) == 1


# --- the icons ---------------------------------------------------------------------------------


def relative_luminance(rgb: tuple[int, ...]) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_the_icons_have_teams_sizes_and_the_outline_is_white_on_transparent(built: Path):
    files = unpack(built)
    color = Image.open(io.BytesIO(files["color.png"]))
    outline = Image.open(io.BytesIO(files["outline.png"])).convert("RGBA")
    assert color.format == "PNG" and color.size == (192, 192)
    assert outline.size == (32, 32)
    alpha = [outline.getpixel((x, y))[3] for x in range(32) for y in range(32)]
    rgb = {outline.getpixel((x, y))[:3] for x in range(32) for y in range(32)}
    assert rgb == {(255, 255, 255)}
    assert alpha.count(0) > len(alpha) / 2  # mostly background
    assert max(alpha) == 255


def test_the_color_icon_is_white_on_the_accent_color_and_readable(built: Path):
    files = unpack(built)
    color = Image.open(io.BytesIO(files["color.png"])).convert("RGBA")
    accent = tuple(int(ACCENT_COLOR[i : i + 2], 16) for i in (1, 3, 5))
    assert color.getpixel((0, 0)) == (*accent, 255)
    assert color.getpixel((191, 191)) == (*accent, 255)
    assert (255, 255, 255, 255) in {color.getpixel((x, 96)) for x in range(192)}
    assert all(color.getpixel((x, y))[3] == 255 for x in range(192) for y in range(192))
    contrast = (1.05) / (relative_luminance(accent) + 0.05)
    assert contrast >= 4.5  # WCAG AA for the white symbol on the accent color


def test_the_committed_icons_are_what_the_icon_script_draws(tmp_path: Path):
    color, outline = write_icons(tmp_path / "icons")
    for drawn, committed in ((color, ICON_DIR / COLOR_FILE), (outline, ICON_DIR / OUTLINE_FILE)):
        with Image.open(drawn) as new, Image.open(committed) as old:
            assert new.size == old.size and new.mode == old.mode
            assert new.tobytes() == old.tobytes(), f"run `python -m manifest.icons` ({committed})"


# --- the checks can fail -----------------------------------------------------------------------


@pytest.fixture
def package_parts(configured: None) -> tuple[dict[str, Any], dict[str, Any]]:
    package = render(PackageSettings(_env_file=None))  # type: ignore[call-arg]
    return package.manifest, package.localizations["en.json"]


def test_a_command_title_of_33_characters_is_refused_and_32_is_fine(package_parts):
    manifest, english = package_parts
    title_key = "bots[0].commandLists[1].commands[0].title"
    long = copy.deepcopy(manifest)
    long["bots"][0]["commandLists"][1]["commands"][0]["title"] = "s" * 33
    found = checks.check_command_titles(long, {"en.json": english})
    assert found == [
        f"default language: {title_key} {'s' * 33!r} has 33 characters (Teams shows at most 32)"
    ]
    long["bots"][0]["commandLists"][1]["commands"][0]["title"] = "s" * 32
    assert checks.check_command_titles(long, {"en.json": english}) == []
    # The schema allows 128: only our check stands between a long title and the package.
    long["bots"][0]["commandLists"][1]["commands"][0]["title"] = "s" * 33
    assert schema_errors(long, load_schema("1.30")) == []


def test_a_long_empty_or_repeated_translated_title_is_refused(package_parts):
    manifest, english = package_parts
    bad = english | {
        "bots[0].commandLists[0].commands[0].title": "what is asked of me in my trajectories",
        "bots[0].commandLists[0].commands[1].title": " ",
        "bots[0].commandLists[0].commands[2].title": "start",
    }
    found = checks.check_command_titles(manifest, {"en.json": bad})
    assert len(found) == 3
    assert "has 38 characters" in found[0]
    assert "commands[1].title is empty" in found[1]
    assert "repeats the title of" in found[2]


def test_a_missing_extra_or_empty_translation_is_refused(package_parts):
    manifest, english = package_parts
    schema = load_schema("1.30", LOCALIZATION_SCHEMA)
    bad = dict(english)
    del bad["bots[0].commandLists[1].commands[4].description"]
    bad["description.short"] = ""
    bad["developer.name"] = "Municipality"
    bad["$schema"] = bad["$schema"].replace("v1.30", "v1.22")
    found = checks.check_localization(manifest, "en.json", bad, schema)
    assert len(found) == 4
    assert "no translation of bots[0].commandLists[1].commands[4].description" in found[0]
    assert "developer.name is not a string of this manifest" in found[1]
    assert "description.short is empty" in found[2]
    assert "$schema must be" in found[3]
    # A manifest with one more command needs one more translation.
    grown = copy.deepcopy(manifest)
    grown["bots"][0]["commandLists"][0]["commands"].append({"title": "x", "description": "y"})
    assert len(checks.check_localization(grown, "en.json", english, schema)) == 2


def icon_files(**replace: Image.Image) -> dict[str, bytes]:
    good = {
        "color.png": Image.open(ICON_DIR / COLOR_FILE),
        "outline.png": Image.open(ICON_DIR / OUTLINE_FILE),
    }
    return {name: png(image) for name, image in (good | replace).items()}


def test_the_icon_checks_catch_colour_an_opaque_background_and_wrong_sizes(package_parts):
    manifest, _ = package_parts
    outline = Image.open(ICON_DIR / OUTLINE_FILE).convert("RGBA")

    tinted = outline.copy()
    tinted.putpixel((16, 5), (250, 250, 250, 255))
    found = checks.check_icons(manifest, icon_files(**{"outline.png": tinted}))
    assert found == [
        "outline icon has 1 visible pixels that are not pure white, e.g. RGBA (250, 250, 250, 255)"
    ]

    opaque = Image.new("RGBA", (32, 32), (0, 0, 0, 255))
    opaque.alpha_composite(outline)
    found = checks.check_icons(manifest, icon_files(**{"outline.png": opaque}))
    assert any("not pure white" in p for p in found)
    assert any("background is not transparent" in p for p in found)

    no_alpha = outline.convert("RGB")
    found = checks.check_icons(manifest, icon_files(**{"outline.png": no_alpha}))
    assert found == ["outline icon has no transparency (it needs an alpha channel)"]

    found = checks.check_icons(
        manifest,
        icon_files(
            **{
                "outline.png": outline.resize((48, 48)),
                "color.png": Image.new("RGB", (200, 200), ACCENT_COLOR),
            }
        ),
    )
    assert "color icon is 200×200, not 192×192" in found
    assert "outline icon is 48×48, not 32×32" in found

    empty = Image.new("RGBA", (32, 32), (255, 255, 255, 0))
    assert checks.check_icons(manifest, icon_files(**{"outline.png": empty})) == [
        "outline icon is empty"
    ]

    jpeg = io.BytesIO()
    Image.new("RGB", (192, 192), ACCENT_COLOR).save(jpeg, format="JPEG")
    files = icon_files() | {"color.png": jpeg.getvalue()}
    assert checks.check_icons(manifest, files) == ["color.png is a JPEG, not a PNG"]


def test_the_package_file_check_wants_exactly_the_referenced_files_at_the_root(package_parts):
    manifest, _ = package_parts
    found = checks.check_package_files(
        manifest, ["manifest.json", "icons/color.png", "outline.png", "en.json", "notes.txt"]
    )
    assert found == [
        "icons/color.png does not belong in the package",
        "notes.txt does not belong in the package",
        "color.png is missing from the package",
        "icons/color.png is not at the root of the package",
    ]


def test_the_version_must_be_major_minor_patch(package_parts):
    manifest, _ = package_parts
    schema = load_schema("1.30")
    assert checks.check_version(manifest | {"version": "1.4"}, schema) == [
        "version '1.4' is not MAJOR.MINOR.PATCH"
    ]
    assert schema_errors(manifest | {"version": "1.4"}, schema) == []  # the schema lets it by


def test_the_schema_validator_understands_the_unicode_patterns_of_newer_schemas(package_parts):
    pattern = "^[\\p{L}][\\p{L}0-9._]*$"  # from v1.23 on, in the Excel custom functions part
    with pytest.raises(re.error):
        re.compile(pattern)
    schema = {"type": "string", "pattern": pattern}
    assert schema_errors("ĲsselmondeBerekening", schema) == []
    assert schema_errors("1berekening", schema) != []
    # Pattern properties and the additionalProperties that depend on them, on the same engine:
    _, english = package_parts
    localization = load_schema("1.30", LOCALIZATION_SCHEMA)
    last = "bots[0].commandLists[2].commands[11].title"
    assert schema_errors(english | {last: "x"}, localization) == []
    assert schema_errors(english | {"bots[0].commandLists[3].commands[0].title": "x"}, localization)
    assert schema_errors(english | {last: "x" * 129}, localization)


# --- settings and the command line -------------------------------------------------------------


def test_without_settings_the_package_uses_placeholders_warns_and_is_still_valid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    assert main(["--out", str(tmp_path / "dist")]) == 0
    out, err = capsys.readouterr()
    version = installed_version("wasstraat")
    path = tmp_path / "dist" / f"wasstraat-{version}.zip"
    assert out.strip() == str(path)
    assert err.startswith("warning: placeholders used for MICROSOFT_APP_ID, ")
    assert PLACEHOLDER_APP_ID in err
    files = unpack(path)
    manifest = manifest_of(files)
    assert manifest["id"] == manifest["bots"][0]["botId"] == PLACEHOLDER_APP_ID
    assert manifest["version"] == version
    assert schema_errors(manifest, load_schema("1.30")) == []
    assert sorted(files) == sorted(PACKAGE_FILES)


def test_a_fully_configured_build_does_not_warn(built: Path, capsys):
    assert "warning" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WASSTRAAT_PUBLIC_DOMAIN", "https://wasstraat.gemeente.nl/"),
        ("WASSTRAAT_PUBLIC_DOMAIN", "wasstraat.gemeente.nl:443"),
        ("MICROSOFT_APP_ID", "wasstraat-bot"),
        ("WASSTRAAT_APP_VERSION", "1.4"),
        ("WASSTRAAT_PRIVACY_URL", "http://www.gemeente.nl/privacy"),
        ("WASSTRAAT_DEVELOPER_NAME", "Gemeente " + "x" * 30),
    ],
)
def test_bad_settings_are_refused_before_anything_is_written(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    name: str,
    value: str,
):
    monkeypatch.setenv(name, value)
    assert main(["--out", str(tmp_path / "dist")]) == 2
    assert "invalid package settings" in capsys.readouterr().err
    assert not (tmp_path / "dist").exists()


def test_the_build_refuses_a_package_that_would_not_pass(configured: None, tmp_path: Path):
    template = json.loads(TEMPLATE.read_text("utf-8"))
    template["bots"][0]["commandLists"][0]["commands"][0]["title"] = (
        "mijn taken in alle trajecten hier"
    )
    template["accentColor"] = "teal"
    template["staticTabs"][1]["contentUrl"] = "https://elders.example.org/tab/"
    bad = tmp_path / "manifest.template.json"
    bad.write_text(json.dumps(template), "utf-8")
    settings = PackageSettings(_env_file=None)  # type: ignore[call-arg]
    found = problems(render(settings, template=bad))
    assert any("has 33 characters" in problem for problem in found)
    assert any("accentColor" in problem and "'teal'" in problem for problem in found)
    assert any("staticTabs[1].contentUrl" in problem for problem in found)
    with pytest.raises(PackageError):
        build(settings, tmp_path / "dist", template=bad)
    assert not (tmp_path / "dist").exists()


def test_the_same_settings_build_the_same_bytes(configured: None, tmp_path: Path):
    settings = PackageSettings(_env_file=None)  # type: ignore[call-arg]
    first, _ = build(settings, tmp_path / "a")
    second, _ = build(settings, tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()


def test_settings_come_from_a_dotenv_file_like_the_bots(tmp_path: Path):
    (tmp_path / ".env").write_text(
        f"MICROSOFT_APP_ID={APP_ID}\nWASSTRAAT_PUBLIC_DOMAIN={DOMAIN.upper()}\n", "utf-8"
    )
    settings = PackageSettings()
    assert settings.app_id == APP_ID
    assert settings.public_domain == DOMAIN


def test_the_activity_types_the_bot_sends_are_declared_in_dutch_and_english(built: Path):
    from bot.feed import ActivityType

    files = unpack(built)
    manifest, english = manifest_of(files), english_of(files)
    declared = manifest["activities"]["activityTypes"]
    assert [t["type"] for t in declared] == list(typing.get_args(ActivityType))
    for n, kind in enumerate(declared):
        # the one parameter the bot fills in, in both languages
        assert "{task}" in kind["templateText"]
        assert "{task}" in english[f"activities.activityTypes[{n}].templateText"]
        assert english[f"activities.activityTypes[{n}].description"]
