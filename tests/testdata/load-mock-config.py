"""Load a mock configuration the way mock does (exec with config_opts and
include() in scope) and print what it set as JSON. mock-core-configs is
not installed here, so include() records the file name instead of
reading it; everything else is real Python evaluation."""
import json
import sys


class Opts(dict):
    """config_opts: nested dicts appear on first use, as mock's defaults
    provide 'macros' and 'files'."""

    def __missing__(self, key):
        if key in ("macros", "files"):
            self[key] = {}
            return self[key]
        raise KeyError(key)


config_opts = Opts()
included = []


def include(path):
    included.append(path)


with open(sys.argv[1], encoding="utf-8") as f:
    code = compile(f.read(), sys.argv[1], "exec")
exec(code, {"config_opts": config_opts, "include": include})
json.dump({"include": included, "config_opts": config_opts}, sys.stdout, sort_keys=True)
