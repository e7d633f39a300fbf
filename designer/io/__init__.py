"""Cerb package JSON: reading (with errors that name the path and line), writing, import configuration."""
from designer.io.configure import ConfiguredPackage, ConfigureError, configure_package, prompt_values
from designer.io.reader import (
    PackageFormatError,
    PackageReadError,
    add_positions,
    decode_json_text,
    load_package,
    read_nodes,
    read_package_text,
    read_package_value,
)
from designer.io.writer import SaveError, atomic_write_text, dumps_json, dumps_package, save_package

__all__ = [
    "ConfigureError", "ConfiguredPackage", "PackageFormatError", "PackageReadError", "SaveError", "add_positions",
    "atomic_write_text", "configure_package", "decode_json_text", "dumps_json", "dumps_package",
    "load_package", "prompt_values", "read_nodes", "read_package_text", "read_package_value", "save_package",
]
