/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The `wayland` idle source: the compositor's own idle tracking through
 * ext-idle-notify-v1 (sway, Hyprland, KDE, niri, COSMIC…), or KDE's older
 * org_kde_kwin_idle where a compositor lacks it.
 *
 * No polling: one notification object at the threshold. The compositor
 * sends `idled` once the seat has had no activity for that long, and
 * `resumed` at the next input. Both protocols tell only these crossings,
 * never the idle time itself, so:
 *  - idle is reported as idle since now − threshold, when the
 *    notification's timer started;
 *  - the first report after new() is active(). A notification starts out
 *    not idle, its timer starting when it is made, so a user who is already
 *    idle at start-up is reported idle one threshold later (the protocol
 *    says so, and KWin 5.27 does so: no `idled` at once).
 *
 * With [idle] inhibitors=ignore the notification is made with
 * get_input_idle_notification where the compositor offers version 2 of the
 * notifier, so that a video playing does not count as the user being there.
 *
 *   ACTIVE ──idled──▶ IDLE ──resumed──▶ ACTIVE
 *
 * A new threshold needs a new notification object. One that has gone idle
 * is kept until its `resumed`: a fresh object starts out not idle, and the
 * next input would pass unreported.
 *
 * The display's socket is read from the GLib main loop: before the loop
 * sleeps, wl_display_prepare_read() and a flush (waiting for the socket to
 * take more when it is full); after the poll, wl_display_read_events() or
 * wl_display_cancel_read(); then the events are dispatched. Event handlers
 * run inside that dispatch, and lost() is the last thing it does.
 */
#include "idle/source.h"

#include <errno.h>
#include <poll.h>
#include <string.h>

#include <wayland-client.h>

#include "ext-idle-notify-v1-client-protocol.h"
#include "idle/protocols/wayland-config.h"

/* new() may block on round trips, but only briefly (source.h). */
#define ROUNDTRIP_TIMEOUT_USEC (2 * G_USEC_PER_SEC)

#define KDE_IDLE_INTERFACE "org_kde_kwin_idle"
#define COMPOSITOR_GONE "the Wayland compositor closed the connection"

typedef enum {
  PROTOCOL_EXT, /* ext_idle_notifier_v1 */
  PROTOCOL_KDE, /* org_kde_kwin_idle */
} Protocol;

/* One notification object (ext_idle_notification_v1 or org_kde_kwin_idle_timeout). */
typedef struct {
  DbkIdleSource *self;
  struct wl_proxy *proxy;
  DbkUsec threshold;
  gboolean idle;      /* between its idled and resumed */
  DbkUsec idle_since; /* when idle */
} Watch;

/* Reads the display's events from the main loop. */
typedef struct {
  GSource source;
  DbkIdleSource *self;
  gpointer fd_tag;
  gboolean reading;  /* between wl_display_prepare_read() and read or cancel */
  gboolean want_out; /* the socket was full: flush again when it takes more */
  gboolean failed;   /* a flush or read failed: the connection is gone */
} DisplaySource;

struct DbkIdleSource {
  DbkIdleReporter reporter;
  DbkUsec threshold;
  gboolean ignore_inhibitors;

  struct wl_display *display;
  struct wl_registry *registry;
  uint32_t seat_name; /* registry names; 0: not offered */
  uint32_t ext_name;
  uint32_t ext_version;
  uint32_t kde_name;
  struct wl_seat *seat;
  Protocol protocol;
  struct ext_idle_notifier_v1 *ext_notifier;
  struct wl_proxy *kde_idle; /* org_kde_kwin_idle */
  gboolean input_only;       /* get_input_idle_notification */

  Watch *watch;    /* at the current threshold */
  Watch *previous; /* at an earlier one, idle: kept to hear its resumed */

  DisplaySource *display_source;
  guint initial_report_id;
  gboolean starting;     /* inside new(): nothing is reported yet */
  const char *withdrawn; /* a global we use was removed: why we stop */
  gboolean dead;         /* the connection failed: send nothing more */
  gboolean lost;
};

/* ---- reporting ---- */

/* ext-idle-notify counts milliseconds; rounding up keeps idled from coming early. */
static uint32_t threshold_to_ms(DbkUsec threshold) {
  guint64 ms = threshold / 1000 + (threshold % 1000 != 0);

  return (uint32_t)MIN(ms, G_MAXUINT32);
}

/* `now` − `ago`, kept > 0 as the engine wants its times. */
static DbkUsec usec_before(DbkUsec now, DbkUsec ago) {
  return ago < now ? now - ago : 1;
}

/* Only changes reach the listener, and none from inside new(). */
static void emit_idle(DbkIdleSource *self, DbkUsec since) {
  if (!self->starting)
    dbk_idle_reporter_idle(&self->reporter, since);
}

static void emit_active(DbkIdleSource *self) {
  if (!self->starting)
    dbk_idle_reporter_active(&self->reporter);
}

static void watch_free(Watch *watch);

static void watch_idled(Watch *watch) {
  DbkIdleSource *self = watch->self;

  watch->idle = TRUE;
  watch->idle_since = usec_before(dbk_now(), watch->threshold);
  /* A previous watch is idle already: only the current one's crossing is news. */
  if (watch == self->watch)
    emit_idle(self, watch->idle_since);
}

static void watch_resumed(Watch *watch) {
  DbkIdleSource *self = watch->self;

  watch->idle = FALSE;
  if (watch == self->previous) {
    /* It was kept for this alone. Freeing a proxy in its own handler is allowed. */
    self->previous = NULL;
    watch_free(watch);
  }
  emit_active(self);
}

/* ---- org_kde_kwin_idle, where plasma-wayland-protocols was found at build time ---- */

#if HAVE_KDE_IDLE
#include "idle-client-protocol.h"

static const gboolean kde_idle_built = TRUE;

static void on_kde_idle(void *data, struct org_kde_kwin_idle_timeout *timeout) {
  watch_idled(data);
}

static void on_kde_resumed(void *data, struct org_kde_kwin_idle_timeout *timeout) {
  watch_resumed(data);
}

static const struct org_kde_kwin_idle_timeout_listener kde_timeout_listener = {
    .idle = on_kde_idle,
    .resumed = on_kde_resumed,
};

static struct wl_proxy *kde_idle_bind(DbkIdleSource *self) {
  return wl_registry_bind(self->registry, self->kde_name, &org_kde_kwin_idle_interface, 1);
}

static struct wl_proxy *kde_watch_create(DbkIdleSource *self, Watch *watch) {
  struct org_kde_kwin_idle_timeout *timeout = org_kde_kwin_idle_get_idle_timeout(
      (struct org_kde_kwin_idle *)self->kde_idle, self->seat, threshold_to_ms(watch->threshold));

  org_kde_kwin_idle_timeout_add_listener(timeout, &kde_timeout_listener, watch);
  return (struct wl_proxy *)timeout;
}

static void kde_watch_destroy(struct wl_proxy *proxy) {
  org_kde_kwin_idle_timeout_release((struct org_kde_kwin_idle_timeout *)proxy);
}
#else
static const gboolean kde_idle_built = FALSE;

static struct wl_proxy *kde_idle_bind(DbkIdleSource *self) {
  g_assert_not_reached();
}

static struct wl_proxy *kde_watch_create(DbkIdleSource *self, Watch *watch) {
  g_assert_not_reached();
}

static void kde_watch_destroy(struct wl_proxy *proxy) {
  g_assert_not_reached();
}
#endif

/* ---- ext_idle_notifier_v1 ---- */

static void on_ext_idled(void *data, struct ext_idle_notification_v1 *notification) {
  watch_idled(data);
}

static void on_ext_resumed(void *data, struct ext_idle_notification_v1 *notification) {
  watch_resumed(data);
}

static const struct ext_idle_notification_v1_listener ext_notification_listener = {
    .idled = on_ext_idled,
    .resumed = on_ext_resumed,
};

static struct wl_proxy *ext_watch_create(DbkIdleSource *self, Watch *watch) {
  uint32_t ms = threshold_to_ms(watch->threshold);
  struct ext_idle_notification_v1 *notification =
      self->input_only
          ? ext_idle_notifier_v1_get_input_idle_notification(self->ext_notifier, ms, self->seat)
          : ext_idle_notifier_v1_get_idle_notification(self->ext_notifier, ms, self->seat);

  ext_idle_notification_v1_add_listener(notification, &ext_notification_listener, watch);
  return (struct wl_proxy *)notification;
}

/* ---- watches ---- */

static Watch *watch_new(DbkIdleSource *self, DbkUsec threshold) {
  Watch *watch = g_new0(Watch, 1);

  watch->self = self;
  watch->threshold = threshold;
  watch->proxy = self->protocol == PROTOCOL_EXT ? ext_watch_create(self, watch)
                                                : kde_watch_create(self, watch);
  return watch;
}

static void watch_free(Watch *watch) {
  if (watch == NULL)
    return;
  if (watch->self->dead)
    wl_proxy_destroy(watch->proxy);
  else if (watch->self->protocol == PROTOCOL_EXT)
    ext_idle_notification_v1_destroy((struct ext_idle_notification_v1 *)watch->proxy);
  else
    kde_watch_destroy(watch->proxy);
  g_free(watch);
}

/* ---- the registry ---- */

static void on_global(void *data, struct wl_registry *registry, uint32_t name,
                      const char *interface, uint32_t version) {
  DbkIdleSource *self = data;

  /* The first seat is the user's (compositors offer one, "seat0"). */
  if (strcmp(interface, wl_seat_interface.name) == 0 && self->seat_name == 0) {
    self->seat_name = name;
  } else if (strcmp(interface, ext_idle_notifier_v1_interface.name) == 0 && self->ext_name == 0) {
    self->ext_name = name;
    self->ext_version = version;
  } else if (strcmp(interface, KDE_IDLE_INTERFACE) == 0 && self->kde_name == 0) {
    self->kde_name = name;
  }
}

static void on_global_remove(void *data, struct wl_registry *registry, uint32_t name) {
  DbkIdleSource *self = data;

  /* Reported once this dispatch is over. */
  if (name == self->seat_name)
    self->withdrawn = "the Wayland compositor removed the seat";
  else if ((name == self->ext_name && self->protocol == PROTOCOL_EXT) ||
           (name == self->kde_name && self->protocol == PROTOCOL_KDE))
    self->withdrawn = "the Wayland compositor removed its idle notifier";
}

static const struct wl_registry_listener registry_listener = {
    .global = on_global,
    .global_remove = on_global_remove,
};

/* ---- the connection ---- */

/* Why the connection failed, as a sentence (g_free() it). */
static char *connection_error(struct wl_display *display) {
  const struct wl_interface *interface = NULL;
  uint32_t id = 0, code;

  if (wl_display_get_error(display) != EPROTO)
    return g_strdup(COMPOSITOR_GONE);
  code = wl_display_get_protocol_error(display, &interface, &id);
  return g_strdup_printf("the Wayland compositor reported protocol error %u on %s", code,
                         interface != NULL ? interface->name : "an unknown object");
}

static void on_sync_done(void *data, struct wl_callback *callback, uint32_t serial) {
  gboolean *done = data;

  *done = TRUE;
}

static const struct wl_callback_listener sync_listener = {
    .done = on_sync_done,
};

/*
 * wl_display_roundtrip() with a deadline (monotonic µs): new() must not
 * hang on a compositor that does not answer. Dispatches what comes.
 */
static gboolean roundtrip(DbkIdleSource *self, gint64 deadline, GError **error) {
  struct wl_display *display = self->display;
  struct wl_callback *callback = wl_display_sync(display);
  gboolean done = FALSE;
  gboolean ok = TRUE;

  wl_callback_add_listener(callback, &sync_listener, &done);
  while (!done) {
    struct pollfd pfd = {.fd = wl_display_get_fd(display), .events = POLLIN};
    gint64 left;
    int n;

    if (wl_display_prepare_read(display) != 0) {
      if (wl_display_dispatch_pending(display) < 0)
        break;
      continue;
    }
    if (wl_display_flush(display) < 0) {
      if (errno != EAGAIN) {
        wl_display_cancel_read(display);
        break;
      }
      pfd.events |= POLLOUT;
    }
    left = deadline - g_get_monotonic_time();
    if (left <= 0) {
      wl_display_cancel_read(display);
      g_set_error(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                  "the Wayland compositor did not answer within %d s",
                  (int)(ROUNDTRIP_TIMEOUT_USEC / G_USEC_PER_SEC));
      ok = FALSE;
      break;
    }
    n = poll(&pfd, 1, (int)((left + 999) / 1000));
    if (n < 0 && errno != EINTR) {
      int saved = errno;

      wl_display_cancel_read(display);
      g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved),
                  "cannot wait for the Wayland compositor: %s", g_strerror(saved));
      ok = FALSE;
      break;
    }
    if (n > 0 && (pfd.revents & POLLIN) != 0) {
      if (wl_display_read_events(display) < 0)
        break;
    } else {
      wl_display_cancel_read(display);
      if (n > 0 && (pfd.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0)
        break;
    }
    if (wl_display_dispatch_pending(display) < 0)
      break;
  }

  if (ok && !done) {
    g_autofree char *why = connection_error(display);

    self->dead = TRUE;
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, why);
    ok = FALSE;
  }
  /* wl_callback has no destructor request: this frees our side only. */
  wl_callback_destroy(callback);
  return ok;
}

/* ---- the display's socket in the main loop ---- */

static void report_lost(DbkIdleSource *self, const char *why);

/* Sends what is queued; with a full socket, asks the poll for room. FALSE: failed. */
static gboolean display_source_flush(DisplaySource *ds) {
  gboolean want_out = FALSE;

  if (wl_display_flush(ds->self->display) < 0) {
    if (errno != EAGAIN)
      return FALSE;
    want_out = TRUE;
  }
  if (want_out != ds->want_out) {
    ds->want_out = want_out;
    g_source_modify_unix_fd(&ds->source, ds->fd_tag,
                            G_IO_IN | G_IO_ERR | G_IO_HUP | (want_out ? G_IO_OUT : 0));
  }
  return TRUE;
}

static gboolean display_source_prepare(GSource *source, gint *timeout) {
  DisplaySource *ds = (DisplaySource *)source;
  struct wl_display *display = ds->self->display;

  *timeout = -1;
  if (ds->failed)
    return TRUE;
  /* A higher priority source may have kept check() from running last time. */
  if (ds->reading) {
    wl_display_cancel_read(display);
    ds->reading = FALSE;
  }
  /* Events already queued (read along with a round trip's answer): dispatch first. */
  if (wl_display_prepare_read(display) != 0)
    return TRUE;
  ds->reading = TRUE;
  if (!display_source_flush(ds)) {
    wl_display_cancel_read(display);
    ds->reading = FALSE;
    ds->failed = TRUE;
    return TRUE;
  }
  return FALSE;
}

static gboolean display_source_check(GSource *source) {
  DisplaySource *ds = (DisplaySource *)source;
  GIOCondition revents = g_source_query_unix_fd(source, ds->fd_tag);

  if (ds->reading) {
    ds->reading = FALSE;
    if ((revents & G_IO_IN) != 0) {
      if (wl_display_read_events(ds->self->display) < 0)
        ds->failed = TRUE;
    } else {
      wl_display_cancel_read(ds->self->display);
    }
  }
  if ((revents & (G_IO_ERR | G_IO_HUP)) != 0)
    ds->failed = TRUE;
  return ds->failed || revents != 0;
}

static gboolean display_source_dispatch(GSource *source, GSourceFunc callback, gpointer data) {
  DisplaySource *ds = (DisplaySource *)source;
  DbkIdleSource *self = ds->self;
  GIOCondition revents = g_source_query_unix_fd(source, ds->fd_tag);

  if (!ds->failed && (revents & G_IO_OUT) != 0 && !display_source_flush(ds))
    ds->failed = TRUE;
  /* Also after a hang-up: what was read before it is news (libwayland
   * refuses by itself once the connection is in error). */
  if (wl_display_dispatch_pending(self->display) < 0)
    ds->failed = TRUE;

  if (ds->failed) {
    g_autofree char *why = connection_error(self->display);

    self->dead = TRUE;
    report_lost(self, why);
    return G_SOURCE_REMOVE;
  }
  if (self->withdrawn != NULL) {
    report_lost(self, self->withdrawn);
    return G_SOURCE_REMOVE;
  }
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs display_source_funcs = {
    .prepare = display_source_prepare,
    .check = display_source_check,
    .dispatch = display_source_dispatch,
};

static DisplaySource *display_source_new(DbkIdleSource *self) {
  DisplaySource *ds = (DisplaySource *)g_source_new(&display_source_funcs, sizeof(DisplaySource));

  ds->self = self;
  ds->fd_tag = g_source_add_unix_fd(&ds->source, wl_display_get_fd(self->display),
                                    G_IO_IN | G_IO_ERR | G_IO_HUP);
  g_source_set_name(&ds->source, "deskbreak wayland display");
  g_source_attach(&ds->source, NULL);
  return ds;
}

/* Accepts NULL; from inside its own dispatch too (GLib holds a reference meanwhile). */
static void display_source_free(DisplaySource *ds) {
  if (ds == NULL)
    return;
  /* Here, while the display is still there: GLib may finalize the source later. */
  if (ds->reading) {
    wl_display_cancel_read(ds->self->display);
    ds->reading = FALSE;
  }
  g_source_destroy(&ds->source);
  g_source_unref(&ds->source);
}

/* Once; the last thing any callback does, as the daemon may free us in it. */
static void report_lost(DbkIdleSource *self, const char *why) {
  if (self->lost)
    return;
  self->lost = TRUE;
  g_clear_handle_id(&self->initial_report_id, g_source_remove);
  g_clear_pointer(&self->display_source, display_source_free);
  dbk_idle_reporter_lost(&self->reporter, why);
}

/* ---- the source ---- */

static gboolean initial_report(gpointer data) {
  DbkIdleSource *self = data;

  self->initial_report_id = 0;
  /* Idle already only when the threshold passed during new()'s round trips. */
  if (self->watch->idle)
    emit_idle(self, self->watch->idle_since);
  else
    emit_active(self);
  return G_SOURCE_REMOVE;
}

/* Binds what the registry offered: the seat and the best idle protocol. */
static gboolean bind_globals(DbkIdleSource *self, GError **error) {
  if (self->ext_name != 0) {
    /* The highest version both sides know. */
    uint32_t version = MIN(self->ext_version, (uint32_t)ext_idle_notifier_v1_interface.version);

    self->protocol = PROTOCOL_EXT;
    self->ext_notifier =
        wl_registry_bind(self->registry, self->ext_name, &ext_idle_notifier_v1_interface, version);
    self->input_only = self->ignore_inhibitors &&
                       version >= EXT_IDLE_NOTIFIER_V1_GET_INPUT_IDLE_NOTIFICATION_SINCE_VERSION;
    g_debug("wayland: ext_idle_notifier_v1 version %u (offered %u)%s", version, self->ext_version,
            self->input_only ? ", input only: idle inhibitors ignored" : "");
  } else if (self->kde_name != 0 && kde_idle_built) {
    self->protocol = PROTOCOL_KDE;
    self->kde_idle = kde_idle_bind(self);
    g_debug("wayland: no ext_idle_notifier_v1, using " KDE_IDLE_INTERFACE);
  } else {
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                        kde_idle_built ? "the Wayland compositor offers neither "
                                         "ext_idle_notifier_v1 nor " KDE_IDLE_INTERFACE
                                       : "the Wayland compositor does not offer "
                                         "ext_idle_notifier_v1");
    return FALSE;
  }
  if (self->ignore_inhibitors && !self->input_only)
    g_message("The Wayland compositor cannot leave idle inhibitors out of its idle time "
              "(%s): inhibitors=ignore does not apply, a video playing counts as presence",
              self->protocol == PROTOCOL_EXT ? "ext_idle_notifier_v1 version 1"
                                             : KDE_IDLE_INTERFACE);
  /* Version 1: no requests or events of the seat's are needed, only the object. */
  self->seat = wl_registry_bind(self->registry, self->seat_name, &wl_seat_interface, 1);
  return TRUE;
}

static void wayland_free(DbkIdleSource *self);

/*
 * Works when WAYLAND_DISPLAY names a compositor that answers and offers a
 * seat and ext_idle_notifier_v1 (or org_kde_kwin_idle, if built in). The
 * first report, active(), follows from the main loop.
 */
static DbkIdleSource *wayland_new(const DbkIdleContext *ctx, const DbkIdleListener *listener,
                                  void *user_data, GError **error) {
  const char *name = g_getenv("WAYLAND_DISPLAY");
  gint64 deadline = g_get_monotonic_time() + ROUNDTRIP_TIMEOUT_USEC;
  DbkIdleSource *self;

  /* wl_display_connect(NULL) would try "wayland-0" without it: not ours to guess. */
  if ((name == NULL || *name == '\0') && g_getenv("WAYLAND_SOCKET") == NULL) {
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                        "WAYLAND_DISPLAY is not set: no Wayland session to ask");
    return NULL;
  }

  self = g_new0(DbkIdleSource, 1);
  dbk_idle_reporter_init(&self->reporter, listener, user_data);
  self->threshold = ctx->threshold;
  self->ignore_inhibitors = ctx->ignore_inhibitors;
  self->starting = TRUE;

  self->display = wl_display_connect(NULL);
  if (self->display == NULL) {
    int saved = errno;

    g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved),
                "cannot connect to the Wayland compositor (WAYLAND_DISPLAY=%s): %s",
                name != NULL ? name : "", g_strerror(saved));
    wayland_free(self);
    return NULL;
  }
  self->registry = wl_display_get_registry(self->display);
  wl_registry_add_listener(self->registry, &registry_listener, self);
  if (!roundtrip(self, deadline, error))
    goto fail;
  if (self->seat_name == 0) {
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                        "the Wayland compositor offers no seat");
    goto fail;
  }
  if (!bind_globals(self, error))
    goto fail;
  self->watch = watch_new(self, self->threshold);
  /* The compositor has taken the notification, or its protocol error shows here. */
  if (!roundtrip(self, deadline, error))
    goto fail;
  if (self->withdrawn != NULL) {
    g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, self->withdrawn);
    goto fail;
  }

  self->starting = FALSE;
  self->display_source = display_source_new(self);
  self->initial_report_id = g_idle_add_full(G_PRIORITY_DEFAULT, initial_report, self, NULL);
  return self;

fail:
  wayland_free(self);
  return NULL;
}

/*
 * A new notification object at the new threshold. An idle one stays until
 * the user is back, to hear it; the new one goes idle by itself when the
 * user stays away that long (a repeat the reporting drops).
 */
static void wayland_set_threshold(DbkIdleSource *self, DbkUsec threshold) {
  Watch *old;

  if (self == NULL || self->lost || threshold == self->threshold)
    return;
  self->threshold = threshold;
  old = self->watch;
  self->watch = watch_new(self, threshold);
  if (old->idle) {
    watch_free(self->previous);
    self->previous = old;
  } else {
    watch_free(old);
  }
  /* Sent by the next main loop iteration's flush. */
}

/* Destroys our objects and disconnects; accepts NULL. */
static void wayland_free(DbkIdleSource *self) {
  if (self == NULL)
    return;
  g_clear_handle_id(&self->initial_report_id, g_source_remove);
  g_clear_pointer(&self->display_source, display_source_free);
  g_clear_pointer(&self->previous, watch_free);
  g_clear_pointer(&self->watch, watch_free);
  if (self->ext_notifier != NULL) {
    if (self->dead)
      wl_proxy_destroy((struct wl_proxy *)self->ext_notifier);
    else
      ext_idle_notifier_v1_destroy(self->ext_notifier);
  }
  /* No destructor requests on these (wl_seat has none at version 1): our side only. */
  if (self->kde_idle != NULL)
    wl_proxy_destroy(self->kde_idle);
  if (self->seat != NULL)
    wl_seat_destroy(self->seat);
  if (self->registry != NULL)
    wl_registry_destroy(self->registry);
  if (self->display != NULL) {
    /* Best effort: closing the connection drops our objects anyway. */
    if (!self->dead)
      wl_display_flush(self->display);
    wl_display_disconnect(self->display);
  }
  g_free(self);
}

/* Where the compositor's socket appears, for the daemon to notice a new one (malloc()ed). */
static char *wayland_socket_path(void) {
  const char *name = g_getenv("WAYLAND_DISPLAY");
  const char *runtime_dir = g_getenv("XDG_RUNTIME_DIR");
  g_autofree char *path = NULL;

  if (name == NULL || *name == '\0')
    return NULL;
  if (g_path_is_absolute(name))
    path = g_strdup(name);
  else if (runtime_dir != NULL && *runtime_dir != '\0')
    path = g_build_filename(runtime_dir, name, NULL);
  return path != NULL ? strdup(path) : NULL;
}

const DbkIdleSourceOps dbk_idle_source_wayland = {
    .name = "wayland",
    .new = wayland_new,
    .set_threshold = wayland_set_threshold,
    .free = wayland_free,
    .socket_path = wayland_socket_path,
};
