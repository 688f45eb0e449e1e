"""Reading a JSON file with errors that name the file, as every loader wants."""
import json


def read(path, error):
    """The parsed document at path; a missing file or bad JSON raises error(message)."""
    try:
        with open(path) as f:
            return json.load(f)
    except OSError as err:
        raise error(f"{path}: {err.strerror}") from err
    except ValueError as err:
        raise error(f"{path}: not JSON: {err}") from err
