# SPDX-License-Identifier: GPL-3.0-or-later
"""What the stand-ins for desktop services (tests/mock-*.py) share: owning
their name on the session bus and running until told to stop."""

import signal
import sys

from gi.repository import Gio, GLib


def serve(connection, bus_name, who):
    """Owns `bus_name` on `connection`, prints "ready" once it is ours and
    runs until SIGTERM or SIGINT. Returns the exit code: 0, or 1 when the
    name could not be had or was lost (`who` names the mock in the message)."""
    loop = GLib.MainLoop()
    status = {'code': 0}

    def on_name_acquired(_connection, _name):
        print('ready', flush=True)

    def on_name_lost(_connection, name):
        print(f'{who}: could not own {name} (or lost it)', file=sys.stderr, flush=True)
        status['code'] = 1
        loop.quit()

    owner_id = Gio.bus_own_name_on_connection(connection, bus_name,
                                              Gio.BusNameOwnerFlags.DO_NOT_QUEUE,
                                              on_name_acquired, on_name_lost)

    def on_signal():
        loop.quit()
        return GLib.SOURCE_REMOVE

    GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal.SIGTERM, on_signal)
    GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal.SIGINT, on_signal)
    loop.run()

    Gio.bus_unown_name(owner_id)
    connection.flush_sync(None)
    return status['code']
