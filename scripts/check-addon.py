#!/usr/bin/env python3
"""Check an Odoo addon without Odoo: what CI can verify with the standard library.

Usage:
    python3 scripts/check-addon.py <addon dir>     check one addon (its series from its folder)
    python3 scripts/check-addon.py <series root>   check every <series>/<addon> below, e.g. odoo-addon
    python3 scripts/check-addon.py --self-test     prove the checks catch broken addons

Checks: every .py compiles; every .xml is well-formed; the manifest is a
literal dict with the usual keys and every file in its ``data`` list exists;
ir.model.access.csv has the standard header, names models the addon defines
(``_name`` in models/*.py) or known base models, and groups the addon defines
(res.groups records in its XML) or base groups; local XML references
(ref, parent, action, groups, inherit_id, ref('...') in eval) resolve; every
models/*.py declaring a model and every tests/test_*.py is imported.

Series rules (the series is the addon's parent folder, e.g. ``19.0``, else the
manifest version): the manifest version starts with the series; 18.0 and later
forbid ``<tree>`` and ``view_mode`` "tree" (renamed ``list`` in 18), ``attrs``
and ``states`` view attributes (removed in 17), ``group_operator`` (renamed
``aggregator`` in 18), ``check_access_rights``/``check_access_rule``
(``check_access``/``has_access`` since 18); 18.0 has no ``res.groups.privilege``
nor ``models.Constraint``; 19.0 and later forbid ``category_id`` on
``res.groups`` (moved to ``res.groups.privilege``), ``groups_id`` in data
(renamed ``group_ids``), ``_sql_constraints`` (``models.Constraint``), calls to
``read_group`` (deprecated: ``formatted_read_group``/``_read_group``), and
require ``models.Constraint``/``models.Index`` attributes to start with ``_``;
an unreleased series (20.0 and later) must say in its README that it is
experimental and untested.

Prints one line per check and a final ``N passed, M failed``; exits 1 on failure.
"""

from __future__ import annotations

import ast
import csv
import re
import shutil
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

ACCESS_CSV = "security/ir.model.access.csv"
ACCESS_HEADER = ["id", "name", "model_id:id", "group_id:id", "perm_read", "perm_write", "perm_create", "perm_unlink"]
MANIFEST_KEYS = ("name", "version", "depends", "data", "license")
SERIES_PATTERN = re.compile(r"^(\d+)\.0$")
VERSION_PATTERN = re.compile(r"^(\d+)\.0\.\d+\.\d+\.\d+$")

#: Series the checker knows rules for; the newest released one is 19.
KNOWN_SERIES = (17, 18, 19, 20)
NEWEST_RELEASED_SERIES = 19

#: Base models an access line may name as ``base.model_*`` (or ``model_*`` via _inherit).
KNOWN_BASE_MODELS = frozenset({
    "res.partner", "res.users", "res.groups", "res.company", "res.country", "res.currency",
    "res.config.settings", "ir.model", "ir.model.fields", "ir.cron", "ir.config_parameter",
    "ir.attachment", "ir.ui.view", "ir.ui.menu", "ir.actions.act_window", "ir.actions.server",
    "ir.rule", "ir.model.access", "ir.sequence", "ir.module.module", "ir.module.category",
})

#: Groups of the base module an access line or view may name.
KNOWN_BASE_GROUPS = frozenset({
    "base.group_user", "base.group_system", "base.group_erp_manager", "base.group_portal",
    "base.group_public", "base.group_no_one", "base.group_partner_manager", "base.group_multi_company",
    "base.group_multi_currency", "base.group_allow_export", "base.group_sanitize_override",
})

EVAL_REFERENCE = re.compile(r"""ref\(\s*['"]([^'"]+)['"]\s*\)""")


@dataclass
class Result:
    """Outcome of one check."""

    name: str
    passed: bool
    detail: str = ""

    def line(self) -> str:
        return f"PASS {self.name}" if self.passed else f"FAIL {self.name}: {self.detail}"


class AddonChecker:
    """Runs every check on one addon folder and collects the results."""

    def __init__(self, root: Path, series: int | None = None):
        self.root = root
        self.module = root.name
        self.series = series if series is not None else series_of_folder(root)
        self.results: list[Result] = []
        self.model_names: set[str] = set()
        self.defined_ids: set[str] = set()
        self.group_ids: set[str] = set()

    def record(self, name: str, passed: bool, detail: str = "") -> bool:
        self.results.append(Result(name, passed, detail))
        return passed

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def files(self, suffix: str) -> list[Path]:
        return sorted(path for path in self.root.rglob(f"*{suffix}") if "__pycache__" not in path.parts)

    def run(self) -> list[Result]:
        if not self.record("addon folder exists", self.root.is_dir(), f"{self.root} is not a folder"):
            return self.results
        trees = self.check_python()
        self.collect_models(trees)
        xml_roots = self.check_xml()
        manifest = self.check_manifest()
        if manifest is not None:
            self.check_data_files(manifest)
        self.collect_xml_ids(xml_roots)
        self.check_access_csv()
        self.check_xml_references(xml_roots)
        self.check_imports(trees)
        if self.series is not None:
            SeriesRules(self, self.series).run(trees, xml_roots)
        return self.results

    # -- Python ---------------------------------------------------------

    def check_python(self) -> dict[Path, ast.Module]:
        trees = {}
        for path in self.files(".py"):
            name = f"python compiles: {self.relative(path)}"
            try:
                source = path.read_text(encoding="utf-8")
                tree = ast.parse(source, filename=str(path))
                compile(tree, str(path), "exec", dont_inherit=True)
            except (SyntaxError, ValueError, UnicodeDecodeError) as error:
                self.record(name, False, f"{type(error).__name__}: {error}")
                continue
            trees[path] = tree
            self.record(name, True)
        return trees

    def collect_models(self, trees: dict[Path, ast.Module]) -> None:
        models_dir = self.root / "models"
        for path, tree in trees.items():
            if path.parent != models_dir:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef):
                    value = class_attribute(node, "_name")
                    if isinstance(value, str):
                        self.model_names.add(value)

    # -- XML --------------------------------------------------------------

    def check_xml(self) -> dict[Path, ElementTree.Element]:
        roots = {}
        for path in self.files(".xml"):
            name = f"xml well-formed: {self.relative(path)}"
            try:
                roots[path] = ElementTree.parse(path).getroot()
            except ElementTree.ParseError as error:
                self.record(name, False, str(error))
                continue
            self.record(name, True)
        return roots

    def collect_xml_ids(self, roots: dict[Path, ElementTree.Element]) -> None:
        self.defined_ids.update("model_" + name.replace(".", "_") for name in self.model_names)
        for root in roots.values():
            for element in root.iter():
                identifier = element.get("id")
                if element.tag in ("record", "menuitem", "template") and identifier:
                    local = self.local_id(identifier)
                    if local is not None:
                        self.defined_ids.add(local)
                        if element.tag == "record" and element.get("model") == "res.groups":
                            self.group_ids.add(local)

    def local_id(self, reference: str) -> str | None:
        """The id inside this addon that ``reference`` names, or None if it is another module's."""
        module, dot, name = reference.partition(".")
        if not dot:
            return reference
        return name if module == self.module else None

    def check_xml_references(self, roots: dict[Path, ElementTree.Element]) -> None:
        for path, root in roots.items():
            if root.tag != "odoo":
                continue  # not a data file (e.g. static assets)
            unresolved = sorted(
                reference for reference in xml_references(root)
                if (local := self.local_id(reference)) is not None and local not in self.defined_ids
            )
            self.record(
                f"xml references resolve: {self.relative(path)}",
                not unresolved,
                "unknown id(s) " + ", ".join(unresolved),
            )

    # -- Manifest -------------------------------------------------------

    def check_manifest(self) -> dict | None:
        path = self.root / "__manifest__.py"
        try:
            manifest = ast.literal_eval(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            self.record("manifest parses", False, "__manifest__.py is missing")
            return None
        except (SyntaxError, ValueError) as error:
            self.record("manifest parses", False, f"not a literal dict: {error}")
            return None
        if not self.record("manifest parses", isinstance(manifest, dict), "not a dict"):
            return None
        missing = [key for key in MANIFEST_KEYS if key not in manifest]
        self.record("manifest has name, version, depends, data, license", not missing, f"missing {missing}")
        version = str(manifest.get("version", ""))
        match = VERSION_PATTERN.match(version)
        if self.series is None and match:
            self.series = int(match.group(1))
        expected = f"{self.series}.0" if self.series is not None else "<series>.0"
        self.record(
            f"manifest version is {expected}.x.y.z",
            bool(match) and (self.series is None or int(match.group(1)) == self.series),
            f"{version!r} does not belong to the {expected} folder" if match else repr(version),
        )
        self.record(
            "manifest depends and data are lists",
            isinstance(manifest.get("depends", []), list) and isinstance(manifest.get("data", []), list),
            "depends/data must be lists",
        )
        return manifest

    def check_data_files(self, manifest: dict) -> None:
        data = manifest.get("data", [])
        for entry in data if isinstance(data, list) else []:
            path = self.root / str(entry)
            self.record(f"data file exists: {entry}", path.is_file(), "listed in the manifest but missing")
        if ACCESS_CSV in data or (self.root / ACCESS_CSV).exists():
            self.record(f"manifest lists {ACCESS_CSV}", ACCESS_CSV in data, "the access rules would not load")

    # -- Access rules ---------------------------------------------------

    def check_access_csv(self) -> None:
        path = self.root / ACCESS_CSV
        if not path.exists():
            self.record("access csv present", not self.model_names, "the addon defines models but no access rules")
            return
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        header = rows[0] if rows else []
        if not self.record("access csv header", header == ACCESS_HEADER, f"got {header}"):
            return
        seen = set()
        for number, row in enumerate(rows[1:], start=2):
            if not any(cell.strip() for cell in row):
                continue
            line = dict(zip(ACCESS_HEADER, row))
            problems = []
            if len(row) != len(ACCESS_HEADER):
                problems.append(f"{len(row)} columns")
            if line.get("id") in seen:
                problems.append("duplicate id")
            seen.add(line.get("id"))
            model = self.access_model(line.get("model_id:id", ""))
            if model is None:
                problems.append(f"model {line.get('model_id:id')!r} is not defined by the addon nor a known base model")
            group = line.get("group_id:id", "")
            if group and not self.is_known_group(group):
                problems.append(f"group {group!r} is not defined by the addon nor a base group")
            if any(line.get(perm) not in ("0", "1") for perm in ACCESS_HEADER[4:]):
                problems.append("permissions must be 0 or 1")
            self.record(f"access rule line {number} ({line.get('id')})", not problems, "; ".join(problems))
        covered = {self.access_model(row[2]) for row in rows[1:] if len(row) > 2}
        uncovered = sorted(self.model_names - covered - self.abstract_models())
        self.record("every model has an access rule", not uncovered, f"no rule for {uncovered}")

    def access_model(self, reference: str) -> str | None:
        """The model an access line names, if the addon defines it or it is a known base model."""
        local = self.local_id(reference)
        if local is not None:
            for name in self.model_names | KNOWN_BASE_MODELS:
                if "model_" + name.replace(".", "_") == local:
                    return name
            return None
        module, _, name = reference.partition(".")
        for known in KNOWN_BASE_MODELS:
            if module == "base" and "model_" + known.replace(".", "_") == name:
                return known
        return None

    def abstract_models(self) -> set[str]:
        """Models declared as AbstractModel or TransientModel need no access rule."""
        names = set()
        for path in (self.root / "models").glob("*.py"):
            try:
                tree = ast.parse(path.read_text(encoding="utf-8"))
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and any(
                    base_name(base) in ("AbstractModel", "TransientModel") for base in node.bases
                ):
                    value = class_attribute(node, "_name")
                    if isinstance(value, str):
                        names.add(value)
        return names

    def is_known_group(self, reference: str) -> bool:
        local = self.local_id(reference)
        if local is not None:
            return local in self.group_ids
        return reference in KNOWN_BASE_GROUPS

    # -- Imports --------------------------------------------------------

    def check_imports(self, trees: dict[Path, ast.Module]) -> None:
        for package, wanted in (("models", self.model_modules(trees)), ("tests", self.test_modules())):
            init = self.root / package / "__init__.py"
            if not wanted:
                continue
            imported = imported_modules(trees.get(init)) if init in trees else set()
            missing = sorted(wanted - imported)
            self.record(f"{package}/__init__.py imports every module", not missing, f"not imported: {missing}")

    def model_modules(self, trees: dict[Path, ast.Module]) -> set[str]:
        modules = set()
        for path, tree in trees.items():
            if path.parent == self.root / "models" and path.name != "__init__.py":
                if any(
                    isinstance(node, ast.ClassDef)
                    and (class_attribute(node, "_name") or class_attribute(node, "_inherit"))
                    for node in ast.walk(tree)
                ):
                    modules.add(path.stem)
        return modules

    def test_modules(self) -> set[str]:
        return {path.stem for path in (self.root / "tests").glob("test_*.py")}


class SeriesRules:
    """What one Odoo series accepts, checked on the addon's Python and XML."""

    def __init__(self, checker: AddonChecker, series: int):
        self.checker = checker
        self.series = series

    def rule(self, name: str, problems: list[str]) -> None:
        self.checker.record(f"{self.series}.0 rule: {name}", not problems, "; ".join(problems[:10]))

    def run(self, trees: dict[Path, ast.Module], roots: dict[Path, ElementTree.Element]) -> None:
        checker = self.checker
        self.checker.record(
            f"series {self.series}.0 is known", self.series in KNOWN_SERIES, f"known series: {KNOWN_SERIES}"
        )
        python = {checker.relative(path): tree for path, tree in trees.items()}
        data = {checker.relative(path): root for path, root in roots.items() if root.tag == "odoo"}
        if self.series >= 18:
            self.rule("no <tree> view and no 'tree' view_mode (renamed list in 18.0)", [
                f"{path}: {problem}" for path, root in data.items() for problem in tree_views(root)
            ])
            self.rule("no attrs/states view attributes (removed in 17.0)", [
                f"{path}: <{element.tag} {attribute}=...>" for path, root in data.items()
                for element in arch_elements(root) for attribute in ("attrs", "states") if element.get(attribute)
            ])
            self.rule("no group_operator (renamed aggregator in 18.0)", keyword_uses(python, "group_operator"))
            self.rule("no check_access_rights/check_access_rule (check_access/has_access since 18.0)",
                      call_uses(python, {"check_access_rights", "check_access_rule"}))
        if self.series == 18:
            self.rule("no res.groups.privilege nor privilege_id (they start in 19.0)", [
                f"{path}: {problem}" for path, root in data.items() for problem in privilege_uses(root)
            ])
            self.rule("no models.Constraint/Index (they start in 19.0)", [
                f"{path}:{node.lineno} models.{name}" for path, node, name, _ in table_objects(python)
            ])
        if self.series >= 19:
            self.rule("res.groups has no category_id (moved to res.groups.privilege in 19.0)", [
                f"{path}: {record}" for path, root in data.items() for record in group_categories(root)
            ])
            self.rule("no groups_id in data (renamed group_ids in 19.0)", [
                f"{path}: <field name=\"groups_id\">" for path, root in data.items()
                for element in root.iter("field") if element.get("name") == "groups_id"
            ])
            self.rule("no _sql_constraints (models.Constraint since 19.0)", [
                f"{path}:{line}" for path, tree in python.items() for line in class_assignments(tree, "_sql_constraints")
            ])
            self.rule("models.Constraint/Index attributes start with _", [
                f"{path}:{node.lineno} {target} = models.{name}(...)"
                for path, node, name, target in table_objects(python) if not target.startswith("_")
            ])
            self.rule("no read_group calls (deprecated in 19.0: formatted_read_group)", call_uses(python, {"read_group"}))
        if self.series > NEWEST_RELEASED_SERIES:
            readme = checker.root / "README.md"
            text = readme.read_text(encoding="utf-8").lower() if readme.is_file() else ""
            self.rule("README says the unreleased series is experimental and untested", [] if (
                "experimental" in text and "untested" in text
            ) else ["README.md must say 'experimental' and 'untested'"])


def series_of_folder(root: Path) -> int | None:
    """The series an addon folder belongs to, from its parent folder name (``19.0``)."""
    match = SERIES_PATTERN.match(root.parent.name)
    return int(match.group(1)) if match else None


def arch_elements(root: ElementTree.Element):
    """Elements inside view archs (``<field name="arch">``) and templates."""
    for field in root.iter("field"):
        if field.get("name") == "arch":
            for element in field.iter():
                if element is not field:
                    yield element


def tree_views(root: ElementTree.Element):
    for element in arch_elements(root):
        if element.tag == "tree":
            yield "<tree> (use <list>)"
    for field in root.iter("field"):
        if field.get("name") == "view_mode" and "tree" in (field.text or "").split(","):
            yield f"view_mode {field.text!r} (use list)"


def privilege_uses(root: ElementTree.Element):
    for record in root.iter("record"):
        if record.get("model") == "res.groups.privilege":
            yield f"record {record.get('id')} of res.groups.privilege"
        for field in record.iter("field"):
            if field.get("name") == "privilege_id":
                yield f"record {record.get('id')}: privilege_id"


def group_categories(root: ElementTree.Element):
    for record in root.iter("record"):
        if record.get("model") == "res.groups":
            for field in record.iter("field"):
                if field.get("name") == "category_id":
                    yield f"record {record.get('id')}: category_id"


def keyword_uses(python: dict[str, ast.Module], keyword: str) -> list[str]:
    return [
        f"{path}:{node.lineno} {keyword}=" for path, tree in python.items() for node in ast.walk(tree)
        if isinstance(node, ast.Call) and any(item.arg == keyword for item in node.keywords)
    ]


def call_uses(python: dict[str, ast.Module], names: set[str]) -> list[str]:
    return [
        f"{path}:{node.lineno} .{node.func.attr}()" for path, tree in python.items() for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in names
    ]


def class_assignments(tree: ast.Module, name: str) -> list[int]:
    return [
        statement.lineno for node in ast.walk(tree) if isinstance(node, ast.ClassDef) for statement in node.body
        if isinstance(statement, ast.Assign)
        and any(isinstance(target, ast.Name) and target.id == name for target in statement.targets)
    ]


def table_objects(python: dict[str, ast.Module]):
    """``(path, node, Constraint|Index|UniqueIndex, attribute name)`` of each models.X(...) in a class body."""
    for path, tree in python.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            for statement in node.body:
                if (
                    isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call)
                    and isinstance(statement.value.func, ast.Attribute)
                    and statement.value.func.attr in ("Constraint", "Index", "UniqueIndex")
                    and base_name(statement.value.func.value) == "models"
                ):
                    for target in statement.targets:
                        if isinstance(target, ast.Name):
                            yield path, statement, statement.value.func.attr, target.id


def class_attribute(node: ast.ClassDef, name: str):
    """The literal value assigned to ``name`` in the body of class ``node``, if any."""
    for statement in node.body:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name) and target.id == name:
                    try:
                        return ast.literal_eval(statement.value)
                    except ValueError:
                        return None
    return None


def base_name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def imported_modules(tree: ast.Module | None) -> set[str]:
    """Names imported by ``from . import a, b`` in a package's __init__."""
    names = set()
    for node in ast.walk(tree) if tree else []:
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                names.add(node.module.split(".")[0])
            else:
                names.update(alias.name for alias in node.names)
    return names


def xml_references(root: ElementTree.Element):
    """Every id an Odoo data file refers to."""
    for element in root.iter():
        if element.get("ref"):
            yield element.get("ref").strip()  # <field ref="..."/>
        if element.tag == "menuitem":
            for attribute in ("parent", "action"):
                if element.get(attribute):
                    yield element.get(attribute).strip()
        if element.tag == "template" and element.get("inherit_id"):
            yield element.get("inherit_id").strip()
        for group in (element.get("groups") or "").split(","):
            group = group.strip().lstrip("!")
            if group:
                yield group
        yield from EVAL_REFERENCE.findall(element.get("eval") or "")


def check(root: Path, series: int | None = None) -> list[Result]:
    """Run every check on the addon at ``root`` (series from its folder unless given)."""
    return AddonChecker(root, series).run()


def find_addons(root: Path) -> list[Path]:
    """``root`` itself if it is an addon, else every ``<series>/<addon>`` folder below it."""
    if (root / "__manifest__.py").is_file():
        return [root]
    addons = []
    for series_folder in sorted(root.iterdir()) if root.is_dir() else []:
        if series_folder.is_dir() and SERIES_PATTERN.match(series_folder.name):
            addons.extend(sorted(path.parent for path in series_folder.glob("*/__manifest__.py")))
    return addons


def report(results: list[Result]) -> int:
    for result in results:
        print(result.line())
    failed = sum(not result.passed for result in results)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


# ----------------------------------------------------------------------
# Self-test: a good addon passes, each kind of breakage is reported
# ----------------------------------------------------------------------

SAMPLE_FILES = {
    "__init__.py": "from . import models\n",
    "__manifest__.py": (
        "{'name': 'Sample', 'version': '{series}.0.1.0.0', 'license': 'LGPL-3', 'depends': ['base'],\n"
        " 'data': ['security/groups.xml', 'security/ir.model.access.csv', 'views/views.xml']}\n"
    ),
    "models/__init__.py": "from . import sample\n",
    "models/sample.py": (
        "from odoo import fields, models\n\n\n"
        "class Sample(models.Model):\n    _name = 'sample.thing'\n    _description = 'Thing'\n\n"
        "    name = fields.Char()\n"
    ),
    "security/groups.xml": (
        '<?xml version="1.0"?>\n<odoo>\n'
        '  <record id="group_reader" model="res.groups"><field name="name">Reader</field>\n'
        "    <field name=\"implied_ids\" eval=\"[(4, ref('base.group_user'))]\"/></record>\n</odoo>\n"
    ),
    "security/ir.model.access.csv": (
        ",".join(ACCESS_HEADER) + "\n"
        "access_sample_thing_reader,sample.thing reader,model_sample_thing,group_reader,1,0,0,0\n"
        "access_sample_thing_system,sample.thing admin,model_sample_thing,base.group_system,1,1,1,1\n"
    ),
    "views/views.xml": (
        '<?xml version="1.0"?>\n<odoo>\n'
        '  <record id="sample_action" model="ir.actions.act_window">\n'
        '    <field name="name">Things</field><field name="res_model">sample.thing</field></record>\n'
        '  <menuitem id="sample_menu" name="Things" action="sample_action" groups="group_reader"/>\n</odoo>\n'
    ),
    "tests/__init__.py": "from . import test_sample\n",
    "tests/test_sample.py": "from odoo.tests.common import TransactionCase\n",
    "README.md": "# Sample\n\nExperimental: untested on a real server of this series.\n",
}


def sample_files(series: int) -> dict[str, str]:
    """The correct sample addon, with a manifest version of ``series``."""
    return {name: text.replace("{series}", str(series)) for name, text in SAMPLE_FILES.items()}


def write_files(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def append_line(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def add_to_manifest(root: Path, entry: str) -> None:
    path = root / "__manifest__.py"
    manifest = ast.literal_eval(path.read_text(encoding="utf-8"))
    manifest["data"].append(entry)
    path.write_text(repr(manifest) + "\n", encoding="utf-8")


#: (what is broken, how to break an addon copy, text that must appear in a FAIL line)
BREAKAGES = [
    ("bad XML", lambda root: (root / "views" / "views.xml").write_text("<odoo><record></odoo>\n"),
     "xml well-formed: views/views.xml"),
    ("missing data file", lambda root: add_to_manifest(root, "data/missing.xml"),
     "data file exists: data/missing.xml"),
    ("CSV naming an unknown model", lambda root: append_line(
        root / ACCESS_CSV, "access_ghost,ghost,model_no_such_model,base.group_user,1,0,0,0"),
     "model 'model_no_such_model' is not defined"),
    ("CSV naming an unknown group", lambda root: append_line(
        root / ACCESS_CSV, "access_ghost_group,ghost,model_sample_thing,group_nobody,1,0,0,0"),
     "group 'group_nobody' is not defined"),
    ("bad access CSV header", lambda root: (root / ACCESS_CSV).write_text("id,name,model,group\n"),
     "access csv header"),
    ("Python syntax error", lambda root: (root / "models" / "broken.py").write_text("def broken(:\n"),
     "python compiles: models/broken.py"),
    ("manifest that is not a literal", lambda root: (root / "__manifest__.py").write_text("dict(name='x')\n"),
     "manifest parses"),
    ("unresolved XML reference", lambda root: (root / "views" / "views.xml").write_text(
        '<odoo><menuitem id="m" name="M" action="no_such_action"/></odoo>\n'),
     "unknown id(s) no_such_action"),
    ("test module not imported", lambda root: (root / "tests" / "test_forgotten.py").write_text("x = 1\n"),
     "not imported: ['test_forgotten']"),
    ("model module not imported", lambda root: (root / "models" / "other.py").write_text(
        "from odoo import models\n\n\nclass Other(models.Model):\n    _name = 'sample.other'\n"),
     "not imported: ['other']"),
]

#: Breakages the brief asks to see caught together on a copy of the real addon.
REAL_COPY_BREAKAGES = [
    ("bad XML", lambda root: append_line(root / "views" / "update_webhook_views.xml", "<unclosed>"),
     "xml well-formed: views/update_webhook_views.xml"),
    ("missing data file", lambda root: add_to_manifest(root, "data/missing.xml"),
     "data file exists: data/missing.xml"),
    ("CSV naming an unknown model", lambda root: append_line(
        root / ACCESS_CSV, "access_ghost,ghost,model_no_such_model,base.group_user,1,0,0,0"),
     "model 'model_no_such_model' is not defined"),
]


def append_to_model(root: Path, code: str) -> None:
    """Add class-body lines to the sample model."""
    append_line(root / "models" / "sample.py", code)


def add_data_file(root: Path, name: str, body: str) -> None:
    """Write an Odoo data file and list it in the manifest."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('<?xml version="1.0"?>\n<odoo>\n' + body + "\n</odoo>\n", encoding="utf-8")
    add_to_manifest(root, name)


def view_record(arch: str, extra: str = "") -> str:
    return (
        '<record id="sample_view" model="ir.ui.view"><field name="model">sample.thing</field>'
        f'<field name="arch" type="xml">{arch}</field></record>{extra}'
    )


#: (series, what is broken, how to break the sample of that series, text that must appear in a FAIL line)
SERIES_BREAKAGES = [
    (19, "a manifest version of another series", lambda root: (root / "__manifest__.py").write_text(
        (root / "__manifest__.py").read_text().replace("'19.0.", "'18.0.")),
     "does not belong to the 19.0 folder"),
    (18, "a <tree> view", lambda root: add_data_file(root, "views/tree.xml", view_record(
        '<tree><field name="name"/></tree>')), "18.0 rule: no <tree> view"),
    (19, "a 'tree' view_mode", lambda root: add_data_file(root, "views/mode.xml", (
        '<record id="sample_action_tree" model="ir.actions.act_window"><field name="name">T</field>'
        '<field name="res_model">sample.thing</field><field name="view_mode">tree,form</field></record>')),
     "19.0 rule: no <tree> view and no 'tree' view_mode"),
    (18, "an attrs view attribute", lambda root: add_data_file(root, "views/attrs.xml", view_record(
        "<form><field name=\"name\" attrs=\"{'invisible': 1}\"/></form>")), "18.0 rule: no attrs/states"),
    (18, "group_operator", lambda root: append_to_model(root, "    size = fields.Integer(group_operator=False)"),
     "18.0 rule: no group_operator"),
    (19, "check_access_rights", lambda root: append_to_model(
        root, "\n    def probe(self):\n        return self.check_access_rights('read')"),
     "19.0 rule: no check_access_rights"),
    (18, "a res.groups.privilege record", lambda root: add_data_file(root, "security/privilege.xml", (
        '<record id="privilege_sample" model="res.groups.privilege"><field name="name">S</field></record>')),
     "18.0 rule: no res.groups.privilege"),
    (18, "models.Constraint", lambda root: append_to_model(
        root, "    _unique_name = models.Constraint('unique(name)', 'Names are unique.')"),
     "18.0 rule: no models.Constraint/Index"),
    (19, "category_id on res.groups", lambda root: add_data_file(root, "security/category.xml", (
        '<record id="group_categorised" model="res.groups"><field name="name">C</field>'
        '<field name="category_id" ref="base.module_category_hidden"/></record>')),
     "19.0 rule: res.groups has no category_id"),
    (20, "groups_id in data", lambda root: add_data_file(root, "views/menu_groups.xml", (
        '<record id="sample_menu_record" model="ir.ui.menu"><field name="name">M</field>'
        "<field name=\"groups_id\" eval=\"[(4, ref('group_reader'))]\"/></record>")),
     "20.0 rule: no groups_id in data"),
    (19, "_sql_constraints", lambda root: append_to_model(
        root, "    _sql_constraints = [('name_unique', 'unique(name)', 'Names are unique.')]"),
     "19.0 rule: no _sql_constraints"),
    (19, "a models.Constraint without a leading underscore", lambda root: append_to_model(
        root, "    unique_name = models.Constraint('unique(name)', 'Names are unique.')"),
     "19.0 rule: models.Constraint/Index attributes start with _"),
    (19, "a read_group call", lambda root: append_to_model(
        root, "\n    def totals(self):\n        return self.read_group([], ['name'], ['name'])"),
     "19.0 rule: no read_group calls"),
    (20, "an unreleased series without an experimental README", lambda root: (root / "README.md").unlink(),
     "20.0 rule: README says the unreleased series is experimental"),
]


def failures(results: list[Result]) -> list[str]:
    return [result.line() for result in results if not result.passed]


def reported(what: str, problems: list[str], expected: str) -> Result:
    return Result(
        f"self-test: {what} is reported",
        any(expected in line for line in problems),
        f"expected a failure containing {expected!r}, got {problems}",
    )


def self_test(real_addons: list[Path]) -> list[Result]:
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="check-addon-") as temporary:
        samples = {}
        for series in (18, 19, 20):
            samples[series] = Path(temporary) / "good" / f"{series}.0" / "sample"
            write_files(samples[series], sample_files(series))
            problems = failures(check(samples[series]))
            outcomes.append(Result(
                f"self-test: a correct {series}.0 sample addon passes", not problems, "; ".join(problems),
            ))
        for number, (what, breakage, expected) in enumerate(BREAKAGES):
            copy = Path(temporary) / f"case{number}" / "18.0" / "sample"
            shutil.copytree(samples[18], copy)
            breakage(copy)
            outcomes.append(reported(what, failures(check(copy)), expected))
        for number, (series, what, breakage, expected) in enumerate(SERIES_BREAKAGES):
            copy = Path(temporary) / f"series{number}" / f"{series}.0" / "sample"
            shutil.copytree(samples[series], copy)
            breakage(copy)
            outcomes.append(reported(f"{series}.0: {what}", failures(check(copy)), expected))
        for real_addon in real_addons:
            label = f"{real_addon.parent.name}/{real_addon.name}"
            copy = Path(temporary) / "real" / real_addon.parent.name / real_addon.name
            shutil.copytree(real_addon, copy, ignore=shutil.ignore_patterns("__pycache__"))
            for _, breakage, _ in REAL_COPY_BREAKAGES:
                breakage(copy)
            problems = failures(check(copy))
            for what, _, expected in REAL_COPY_BREAKAGES:
                outcomes.append(reported(f"{what} in a copy of {label}", problems, expected))
    return outcomes


def main(arguments: list[str]) -> int:
    repository_addons = Path(__file__).resolve().parent.parent / "odoo-addon"
    if arguments == ["--self-test"]:
        return report(self_test(find_addons(repository_addons)))
    if len(arguments) != 1 or arguments[0].startswith("-"):
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    root = Path(arguments[0]).resolve()
    addons = find_addons(root)
    if not addons:
        print(f"{root} is neither an addon (no __manifest__.py) nor a folder of <series>/<addon> folders "
              "(e.g. odoo-addon/19.0/auto_webhook)", file=sys.stderr)
        return 2
    results = []
    for addon in addons:
        label = f"{addon.parent.name}/{addon.name}"
        results.extend(Result(f"[{label}] {result.name}", result.passed, result.detail) for result in check(addon))
    return report(results)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
