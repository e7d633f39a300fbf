"""The Qt shell: main(), the main window, menus, settings, error dialog and background tasks."""
