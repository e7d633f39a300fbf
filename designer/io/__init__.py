"""Cerb package JSON: reading (with errors that name the path and line), writing, import configuration."""
from designer.io.reader import (
    PackageFormatError, PackageReadError, add_positions, decode_json_text, iter_strings, load_package, read_nodes, read_package_text,
    read_package_value,
)
from designer.io.configure import ConfigureError, ConfiguredPackage, configure_package, prompt_values
from designer.io.writer import SaveError, atomic_write_text, dumps_json, dumps_package, save_package

__all__ = [
    "ConfigureError", "ConfiguredPackage", "configure_package", "prompt_values",
    "PackageFormatError", "PackageReadError", "SaveError", "add_positions", "atomic_write_text", "decode_json_text", "dumps_json", "dumps_package",
    "iter_strings", "load_package", "read_nodes", "read_package_text", "read_package_value", "save_package",
]
