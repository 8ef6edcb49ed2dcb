#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aeict.settings")
    # Management commands may run without SECRET_KEY (a development key is used, which
    # `check --deploy` reports); the web server (aeict.wsgi) never does.
    os.environ.setdefault("AEICT_ALLOW_DEV_SECRET", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
