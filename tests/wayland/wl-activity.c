/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * wl-activity: user input for deskbreak's tests of the wayland idle source,
 * against a real KWin (tests/integration/test_wayland.py).
 *
 *   wl-activity            one moment of user activity on the first seat
 *   wl-activity --globals  the compositor's globals, "interface version" a line
 *
 * Activity goes through org_kde_kwin_idle_timeout.simulate_user_activity,
 * which KWin treats as input on the seat: it restarts every idle timer,
 * ext-idle-notify-v1's included, as a key press would. The answer to a
 * round trip after it means KWin has handled it. Connects to
 * WAYLAND_DISPLAY; exits 0 on success, 1 with a message on stderr.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wayland-client.h>

#include "idle-client-protocol.h"

/* The timeout of the object that carries the activity: it never fires. */
#define UNUSED_TIMEOUT_MS (3600 * 1000)

typedef struct {
  bool list;
  struct wl_registry *registry;
  struct wl_seat *seat;
  struct org_kde_kwin_idle *idle;
} Client;

static void on_global(void *data, struct wl_registry *registry, uint32_t name,
                      const char *interface, uint32_t version) {
  Client *client = data;

  if (client->list) {
    printf("%s %u\n", interface, version);
    return;
  }
  if (strcmp(interface, wl_seat_interface.name) == 0 && client->seat == NULL)
    client->seat = wl_registry_bind(registry, name, &wl_seat_interface, 1);
  else if (strcmp(interface, org_kde_kwin_idle_interface.name) == 0 && client->idle == NULL)
    client->idle = wl_registry_bind(registry, name, &org_kde_kwin_idle_interface, 1);
}

static void on_global_remove(void *data, struct wl_registry *registry, uint32_t name) {
}

static const struct wl_registry_listener registry_listener = {
    .global = on_global,
    .global_remove = on_global_remove,
};

static int fail(const char *what) {
  fprintf(stderr, "wl-activity: %s\n", what);
  return EXIT_FAILURE;
}

int main(int argc, char **argv) {
  Client client = {0};
  struct wl_display *display;
  struct org_kde_kwin_idle_timeout *timeout;
  int ret = EXIT_SUCCESS;

  if (argc > 2 || (argc == 2 && strcmp(argv[1], "--globals") != 0)) {
    fprintf(stderr, "usage: wl-activity [--globals]\n");
    return 2;
  }
  client.list = argc == 2;

  display = wl_display_connect(NULL);
  if (display == NULL) {
    fprintf(stderr, "wl-activity: cannot connect to WAYLAND_DISPLAY=%s: %s\n",
            getenv("WAYLAND_DISPLAY") ? getenv("WAYLAND_DISPLAY") : "", strerror(errno));
    return EXIT_FAILURE;
  }
  client.registry = wl_display_get_registry(display);
  wl_registry_add_listener(client.registry, &registry_listener, &client);
  if (wl_display_roundtrip(display) < 0) {
    ret = fail("the compositor closed the connection");
    goto out;
  }
  if (client.list) {
    fflush(stdout);
    goto out;
  }
  if (client.seat == NULL || client.idle == NULL) {
    ret = fail(client.seat == NULL ? "the compositor offers no seat"
                                   : "the compositor does not offer org_kde_kwin_idle");
    goto out;
  }

  timeout = org_kde_kwin_idle_get_idle_timeout(client.idle, client.seat, UNUSED_TIMEOUT_MS);
  org_kde_kwin_idle_timeout_simulate_user_activity(timeout);
  org_kde_kwin_idle_timeout_release(timeout);
  if (wl_display_roundtrip(display) < 0)
    ret = fail("the compositor closed the connection before handling the activity");

out:
  if (client.idle != NULL)
    org_kde_kwin_idle_destroy(client.idle);
  if (client.seat != NULL)
    wl_seat_destroy(client.seat);
  wl_registry_destroy(client.registry);
  wl_display_disconnect(display);
  return ret;
}
