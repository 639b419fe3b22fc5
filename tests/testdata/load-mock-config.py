"""Load a mock configuration the way mock does (exec with config_opts and
include() in scope) and print what it set as JSON. mock-core-configs is
not installed here, so include() records the file name instead of
reading it; everything else is real Python evaluation.

The repository sections the configuration adds to config_opts['dnf.conf']
are parsed as mock parses them to find the local repositories it
bind-mounts into its bootstrap chroot (configparser.ConfigParser with
strict=False and its default interpolation, every value read) and
printed as "dnf_repos"."""
import configparser
import json
import sys


class Opts(dict):
    """config_opts: nested dicts appear on first use, as mock's defaults
    provide 'macros' and 'files'; 'dnf.conf' starts empty, standing in
    for the stock chroot's [main] and repositories, which the included
    file would set."""

    def __missing__(self, key):
        if key in ("macros", "files"):
            self[key] = {}
            return self[key]
        if key == "dnf.conf":
            self[key] = ""
            return self[key]
        raise KeyError(key)


config_opts = Opts()
included = []


def include(path):
    included.append(path)


with open(sys.argv[1], encoding="utf-8") as f:
    code = compile(f.read(), sys.argv[1], "exec")
exec(code, {"config_opts": config_opts, "include": include})

repos = {}
if "dnf.conf" in config_opts:
    parser = configparser.ConfigParser(strict=False)
    parser.read_string(config_opts["dnf.conf"])
    for section in parser.sections():
        repos[section] = {key: parser[section][key] for key in parser[section]}
json.dump({"include": included, "config_opts": config_opts, "dnf_repos": repos}, sys.stdout, sort_keys=True)
