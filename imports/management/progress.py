"""Progress bars for management commands: tqdm drawing on the command's stderr, and only on a terminal."""

from functools import partial

from django.core.management.base import BaseCommand, OutputWrapper
from tqdm import tqdm


class ProgressStream:
    """Lets tqdm draw on the command's stderr: no added newline, no error colouring."""

    def __init__(self, wrapper: OutputWrapper) -> None:
        self._wrapper = wrapper

    def write(self, text: str) -> None:
        self._wrapper.write(text, style_func=lambda message: message, ending="")

    def flush(self) -> None:
        self._wrapper.flush()

    def isatty(self) -> bool:
        return self._wrapper.isatty()


def command_progress(command: BaseCommand) -> partial[tqdm]:
    """A tqdm factory for ``command``; disable=None: no bar when stderr is not a terminal (cron, CI, tests)."""
    return partial(tqdm, file=ProgressStream(command.stderr), disable=None, leave=False, mininterval=0.5)
