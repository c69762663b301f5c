"""A tiny freedesktop notification service for tests (the desktop's own daemon cannot run here): owns
org.freedesktop.Notifications on the session bus it is started on, answers Introspect, GetCapabilities,
GetServerInformation and Notify with the spec's signatures, and appends every Notify it gets, with its
D-Bus signature, as a JSON line to the file given. ``Invoke(u id, s action)`` on org.chatidk.TestControl
makes it emit ActionInvoked, as a click on the notification does.

Run ``python -m tests.support.notification_stub RECORD_FILE [capability …]`` with DBUS_SESSION_BUS_ADDRESS.
"""

from __future__ import annotations

import json
import sys

from jeepney import DBusAddress, HeaderFields, MessageType, new_error, new_method_return, new_signal
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
INTROSPECTION = f"""<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">
<node>
  <interface name="{NAME}">
    <method name="GetCapabilities"><arg type="as" direction="out"/></method>
    <method name="Notify">
      <arg type="s" direction="in"/><arg type="u" direction="in"/><arg type="s" direction="in"/>
      <arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="as" direction="in"/>
      <arg type="a{{sv}}" direction="in"/><arg type="i" direction="in"/><arg type="u" direction="out"/>
    </method>
    <method name="CloseNotification"><arg type="u" direction="in"/></method>
    <method name="GetServerInformation">
      <arg type="s" direction="out"/><arg type="s" direction="out"/><arg type="s" direction="out"/>
      <arg type="s" direction="out"/>
    </method>
    <signal name="ActionInvoked"><arg type="u"/><arg type="s"/></signal>
    <signal name="NotificationClosed"><arg type="u"/><arg type="u"/></signal>
  </interface>
  <interface name="org.freedesktop.DBus.Introspectable">
    <method name="Introspect"><arg type="s" direction="out"/></method>
  </interface>
</node>"""


def main(record_file: str, capabilities: list[str]) -> None:
    conn = open_dbus_connection(bus="SESSION")
    conn.send_and_get_reply(message_bus.RequestName(NAME))
    emitter = DBusAddress(PATH, interface=NAME)
    next_id = 1
    print("ready", flush=True)
    while True:
        msg = conn.receive()
        if msg.header.message_type != MessageType.method_call:
            continue
        member = msg.header.fields.get(HeaderFields.member)
        signature = msg.header.fields.get(HeaderFields.signature, "")
        if member == "Introspect":
            conn.send(new_method_return(msg, "s", (INTROSPECTION,)))
        elif member == "GetCapabilities":
            conn.send(new_method_return(msg, "as", (capabilities,)))
        elif member == "GetServerInformation":
            conn.send(new_method_return(msg, "ssss", ("stub", "chatidk-tests", "1", "1.2")))
        elif member == "Notify":
            if signature != "susssasa{sv}i":  # what GNOME Shell, KDE and dunst insist on
                conn.send(new_error(msg, "org.freedesktop.DBus.Error.InvalidArgs", "s", (signature,)))
                continue
            app, replaces, _icon, summary, body, actions, _hints, timeout = msg.body
            record = {
                "id": next_id,
                "app": app,
                "replaces": replaces,
                "summary": summary,
                "body": body,
                "actions": list(actions),
                "timeout": timeout,
            }
            with open(record_file, "a", encoding="utf-8") as out:
                out.write(json.dumps(record) + "\n")
            conn.send(new_method_return(msg, "u", (next_id,)))
            next_id += 1
        elif member == "CloseNotification":
            conn.send(new_method_return(msg))
        elif member == "Invoke":
            notification_id, action = msg.body
            conn.send(new_signal(emitter, "ActionInvoked", "us", (notification_id, action)))
            conn.send(new_method_return(msg))
        else:
            conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod", "s", (str(member),)))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
