"""Build hook: ship the shipped catalog (seeds/) and the boundaries (geodata/) in the wheel.

They stay at the repository root, where maintainers edit them; a wheel carries a copy under
`claims_atlas/_data/`, which `claims_atlas.DATA_ROOT` finds when no checkout is around.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
BUNDLED = ("seeds", "geodata")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "build.py", ".*")


class BuildWithData(build_py):
    def run(self):
        if not self.editable_mode:
            # build/ outlives a checkout's changes: a module deleted or renamed since the
            # last build would otherwise ship again in the next wheel
            shutil.rmtree(Path(self.build_lib) / "claims_atlas", ignore_errors=True)
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "claims_atlas" / "_data"
        for name in BUNDLED:
            if (HERE / name).is_dir():
                shutil.copytree(HERE / name, target / name, ignore=SKIP, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithData})
