"""Start-up helpers shared by the ASGI entry point and the CLI."""
import gc
from contextlib import contextmanager


@contextmanager
def paused_collector():
    """Build long-lived objects without the cyclic garbage collector scanning them as they are made;
    afterwards they are moved out of its reach (`gc.freeze`) and it runs again for everything newer."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
