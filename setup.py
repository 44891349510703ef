"""The one build step pyproject.toml cannot declare: building or installing the package (a
wheel, `pip install .`, `pip install -e .`) compiles the translation catalogues, messages.po to
messages.mo, in the project's folder, where the app reads them, and into the package."""

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

TRANSLATIONS = Path(__file__).resolve().parent / "intranet" / "translations"


def compile_catalogues() -> None:
    for po in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")):
        with po.open("rb") as f:
            catalogue = read_po(f, locale=po.parent.parent.name)
        # Written aside and renamed: a running app or test never reads half a catalogue.
        fd, temp = tempfile.mkstemp(prefix=".messages-", suffix=".mo", dir=po.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                write_mo(f, catalogue)
            os.chmod(temp, 0o644)
            os.replace(temp, po.with_suffix(".mo"))
        except BaseException:
            os.unlink(temp)
            raise


class BuildWithCatalogues(build_py):
    def run(self) -> None:
        compile_catalogues()
        self.__dict__.pop("data_files", None)  # found again, now with the compiled catalogues
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogues})
