/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The `mutter` idle source: GNOME's idle monitor, org.gnome.Mutter.IdleMonitor
 * on the session bus (Mutter, and Phosh which offers the same interface).
 *
 * No polling: one idle watch at the threshold, which Mutter keeps and fires
 * each time idle time reaches it, and after each idle report a one-shot
 * user-active watch that fires at the next input. Mutter sends WatchFired
 * only to the connection that added the watch.
 *
 *   ACTIVE ──idle watch fired──▶ CHECKING ──idle time still ≥ threshold──▶ IDLE
 *     ▲                            │ input already                          │
 *     └────────────────────────────┴──────── user-active watch fired ◀──────┘
 *
 * CHECKING adds the user-active watch and then asks for the idle time: calls
 * on one connection are answered in order, so either the answer shows the
 * user still idle and the watch is in place for the next input, or it shows
 * input that came before the watch could see it. Asking also gives the true
 * start of idleness when a watch fired at once because the user was already
 * past the threshold (at start-up, or when the threshold was lowered).
 *
 * Idle inhibitors. An application keeping the screen awake (a video, a call)
 * asks GNOME's session manager, org.gnome.SessionManager, for an idle
 * inhibitor (Inhibit() flag 8); its InhibitedActions property is the OR of
 * all inhibitors' flags. Mutter itself follows that property (seen in the
 * source of mutter 43 and with mutter 43.8 run headless):
 *  - while the idle flag is set, Mutter's idle watches do not fire, not even
 *    ones added meanwhile; GetIdletime keeps counting from the last input,
 *    and input still fires user-active watches;
 *  - when InhibitedActions changes to a value without the idle flag, Mutter
 *    restarts its idle count from that moment, without firing user-active
 *    watches, so its idle watches fire one threshold after the change;
 *  - when the session manager leaves the bus Mutter keeps the last value it
 *    heard; a new owner's value is taken as a change.
 * gnome-session does not touch Mutter's idle time; it only stops its own
 * idle presence while inhibited. So the source follows InhibitedActions too
 * (PropertiesChanged on /org/gnome/SessionManager, the same rules as Mutter),
 * and [idle] inhibitors= means what it means on Wayland:
 *  - count-as-present (the default): the user is present while idle is
 *    inhibited. An idle report already made is followed by active(); no
 *    idle is reported meanwhile (a watch that fired just before, or one of
 *    an idle monitor that keeps its watches running, is set aside). No
 *    call and no wake-up while inhibited. When the inhibitor goes, one
 *    quiet check (CHECKING without a watch having fired) reads the idle
 *    time, which catches a watch set aside; then the watches take over.
 *    Idleness never counts from before the inhibitor went.
 *  - ignore: real input idleness is measured. Mutter's idle watches are
 *    stopped, so while idle is inhibited and the user is active the source
 *    reads GetIdletime when idle time would reach the threshold if no input
 *    came, and again when what is left would pass if input came meanwhile:
 *    about one reading a threshold while typing, none while reported idle
 *    (the user-active watch still works). Limitation: when the inhibitor ends
 *    while the user is active, Mutter's idle count starts again from that
 *    moment and the idle time before it is lost, so the next idle report
 *    may come up to one threshold late and say idle since the inhibitor
 *    ended. Idle already reported stays reported: Mutter's restart is not
 *    input. (Any change of InhibitedActions to a value without the idle
 *    flag, such as a logout inhibitor coming or going while no idle one is
 *    held, restarts Mutter's count the same way, whatever the setting.)
 */
#include "idle/source.h"

#include <string.h>

#define MUTTER_NAME "org.gnome.Mutter.IdleMonitor"
#define MUTTER_PATH "/org/gnome/Mutter/IdleMonitor/Core"
#define MUTTER_IFACE "org.gnome.Mutter.IdleMonitor"

#define SESSION_NAME "org.gnome.SessionManager"
#define SESSION_PATH "/org/gnome/SessionManager"
#define SESSION_IFACE "org.gnome.SessionManager"
/* Inhibit()'s flag for idle, in InhibitedActions. */
#define SESSION_INHIBIT_IDLE 8u

/* new() may block on the probe, but only briefly (source.h). */
#define PROBE_TIMEOUT_MS 1000

/*
 * Reading the idle time while idle is inhibited: a little after it would
 * reach the threshold, so that Mutter's millisecond count, taken on another
 * clock, is surely there.
 */
#define READ_SLACK_MS 10

typedef enum {
  STATE_ACTIVE,   /* the idle watch tells when idle time reaches the threshold */
  STATE_CHECKING, /* the idle watch fired; reading the idle time to be sure */
  STATE_IDLE,     /* reported idle; the user-active watch tells of input */
} State;

/*
 * An AddIdleWatch or AddUserActiveWatch in flight. It is not cancelled when
 * the source is freed: its answer names a watch that must then be removed,
 * or Mutter would keep it until our connection closes.
 */
typedef struct {
  DbkIdleSource *self; /* NULL once the source is freed */
  GDBusConnection *bus;
  char *owner;
  gboolean idle; /* AddIdleWatch, else AddUserActiveWatch */
} PendingAdd;

struct DbkIdleSource {
  GDBusConnection *bus;
  char *owner; /* the idle monitor's unique name: our watches live there */
  DbkIdleReporter reporter;
  DbkUsec threshold;
  gboolean ignore_inhibitors; /* [idle] inhibitors=ignore */

  GCancellable *check_cancellable; /* CHECKING's GetIdletime */
  guint name_watch_id;
  guint fired_subscription_id;
  guint initial_report_id;

  guint32 idle_watch;         /* 0: none, or being added */
  guint32 active_watch;       /* 0: none, or being added */
  PendingAdd *idle_add;       /* AddIdleWatch in flight */
  PendingAdd *active_add;     /* AddUserActiveWatch in flight */
  gboolean threshold_changed; /* while idle_add was in flight */
  /*
   * WatchFired may overtake the answer that tells us the watch's id, so ids
   * fired while an add is in flight are kept to be matched against it.
   */
  guint32 early_fired[4];

  State state;
  DbkUsec check_threshold; /* CHECKING: the threshold of the watch that fired */
  DbkUsec check_since;     /* CHECKING: idle since, as far as the watch tells */
  gboolean check_quiet;    /* CHECKING after an inhibitor went: no watch fired */
  gboolean lost;

  /* GNOME's session manager, followed for its idle inhibitors. */
  char *session_owner; /* its unique name; NULL while it is not on the bus */
  guint session_watch_id;
  guint session_changed_subscription_id;
  GCancellable *session_cancellable; /* reading a new owner's InhibitedActions */
  gboolean inhibited;                /* idle inhibited, as Mutter last heard */
  DbkUsec present_until;             /* count-as-present: when the last inhibitor went */
  /* ignore: reading the idle time while Mutter's idle watches are stopped */
  guint read_timeout_id;
  GCancellable *read_cancellable;
};

static void add_idle_watch(DbkIdleSource *self);
static void user_active(DbkIdleSource *self);
static void read_idletime(DbkIdleSource *self);

/* Mutter counts milliseconds; rounding up keeps the watch from firing early. */
static guint64 threshold_to_ms(DbkUsec threshold) {
  guint64 ms = threshold / 1000 + (threshold % 1000 != 0);

  return CLAMP(ms, 1, G_MAXUINT32);
}

static DbkUsec ms_to_usec(guint64 ms) {
  return ms > G_MAXUINT64 / 1000 ? G_MAXUINT64 : ms * 1000;
}

/* `now` − `ago`, kept > 0 as the engine wants its times. */
static DbkUsec usec_before(DbkUsec now, DbkUsec ago) {
  return ago < now ? now - ago : 1;
}

/* count-as-present, and an inhibitor held: the user is there. */
static gboolean held_present(const DbkIdleSource *self) {
  return self->inhibited && !self->ignore_inhibitors;
}

/* ignore, and an inhibitor held: Mutter's idle watches are stopped. */
static gboolean watches_stopped(const DbkIdleSource *self) {
  return self->inhibited && self->ignore_inhibitors;
}

static void remove_watch(GDBusConnection *bus, const char *owner, guint32 id) {
  if (id == 0)
    return;
  /* No callback, so no reply is asked for: nothing to do either way. */
  g_dbus_connection_call(bus, owner, MUTTER_PATH, MUTTER_IFACE, "RemoveWatch",
                         g_variant_new("(u)", id), NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL,
                         NULL);
}

static PendingAdd *pending_add_new(DbkIdleSource *self, gboolean idle) {
  PendingAdd *p = g_new0(PendingAdd, 1);

  p->self = self;
  p->idle = idle;
  p->bus = g_object_ref(self->bus);
  p->owner = g_strdup(self->owner);
  return p;
}

static void pending_add_free(PendingAdd *p) {
  g_object_unref(p->bus);
  g_free(p->owner);
  g_free(p);
}

static void remember_early_fired(DbkIdleSource *self, guint32 id) {
  memmove(&self->early_fired[1], &self->early_fired[0],
          sizeof(self->early_fired) - sizeof(self->early_fired[0]));
  self->early_fired[0] = id;
}

static gboolean take_early_fired(DbkIdleSource *self, guint32 id) {
  for (size_t i = 0; i < G_N_ELEMENTS(self->early_fired); i++) {
    if (self->early_fired[i] == id) {
      self->early_fired[i] = 0;
      return TRUE;
    }
  }
  return FALSE;
}

/* Only changes reach the listener. */
static void emit_idle(DbkIdleSource *self, DbkUsec since) {
  /* count-as-present: the user was there while the inhibitor was held. */
  if (!self->ignore_inhibitors && since < self->present_until)
    since = self->present_until;
  dbk_idle_reporter_idle(&self->reporter, since);
}

static void emit_active(DbkIdleSource *self) {
  dbk_idle_reporter_active(&self->reporter);
}

/* ---- reading the idle time while idle is inhibited (ignore) ---- */

static void stop_reading(DbkIdleSource *self) {
  g_clear_handle_id(&self->read_timeout_id, g_source_remove);
  g_cancellable_cancel(self->read_cancellable);
  g_clear_object(&self->read_cancellable);
}

static gboolean on_read_timeout(gpointer data) {
  DbkIdleSource *self = data;

  self->read_timeout_id = 0;
  read_idletime(self);
  return G_SOURCE_REMOVE;
}

/* Reads the idle time again once `left` more of it would reach the threshold. */
static void read_idletime_later(DbkIdleSource *self, DbkUsec left) {
  guint64 ms = threshold_to_ms(left) + READ_SLACK_MS;

  stop_reading(self);
  self->read_timeout_id = g_timeout_add((guint)MIN(ms, G_MAXUINT), on_read_timeout, self);
}

/* Now ACTIVE, `idle` after the last input (as far as known). */
static void enter_active(DbkIdleSource *self, DbkUsec idle) {
  self->state = STATE_ACTIVE;
  if (watches_stopped(self))
    read_idletime_later(self, idle < self->threshold ? self->threshold - idle : 0);
}

/* Once; the last thing any callback does, as the daemon may free us in it. */
static void report_lost(DbkIdleSource *self, const char *why) {
  if (self->lost)
    return;
  self->lost = TRUE;
  g_clear_handle_id(&self->initial_report_id, g_source_remove);
  g_cancellable_cancel(self->check_cancellable);
  g_cancellable_cancel(self->session_cancellable);
  stop_reading(self);
  dbk_idle_reporter_lost(&self->reporter, why);
}

static gboolean initial_report(gpointer data) {
  DbkIdleSource *self = data;

  self->initial_report_id = 0;
  /* CHECKING reports by itself once it knows; anything reported is newer. */
  if (self->state == STATE_ACTIVE && self->reporter.reported == DBK_REPORTED_NOTHING)
    emit_active(self);
  return G_SOURCE_REMOVE;
}

static void on_watch_added(GObject *source, GAsyncResult *result, gpointer data);

/* A user-active watch, unless one is there or on its way. */
static void add_active_watch(DbkIdleSource *self) {
  if (self->active_watch != 0 || self->active_add != NULL)
    return;
  self->active_add = pending_add_new(self, FALSE);
  g_dbus_connection_call(self->bus, self->owner, MUTTER_PATH, MUTTER_IFACE, "AddUserActiveWatch",
                         NULL, G_VARIANT_TYPE("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                         on_watch_added, self->active_add);
}

static void on_check_idletime(GObject *source, GAsyncResult *result, gpointer data) {
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply =
      g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
  DbkIdleSource *self = data;
  DbkUsec now, idle;
  guint64 ms;

  /* Cancelled: the source is gone, or the check was overtaken by input. */
  if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object(&self->check_cancellable);
  if (self->state != STATE_CHECKING)
    return;

  if (reply == NULL) {
    /* A monitor that has gone is noticed by the name watch. */
    g_debug("mutter: GetIdletime failed: %s", error->message);
    if (self->check_quiet) {
      /* No watch fired: the idle watch tells in time. */
      enter_active(self, 0);
      remove_watch(self->bus, self->owner, self->active_watch);
      self->active_watch = 0;
      return;
    }
    /* The watch did fire: trust it. */
    self->state = STATE_IDLE;
    emit_idle(self, self->check_since);
    return;
  }

  now = dbk_now();
  g_variant_get(reply, "(t)", &ms);
  idle = ms_to_usec(ms);
  if (idle >= self->check_threshold) {
    self->state = STATE_IDLE;
    emit_idle(self, usec_before(now, idle));
    return;
  }

  /*
   * Input came after the watch fired, maybe before the user-active watch
   * was in place: the user was away and is back already. After an
   * inhibitor went no watch fired: nothing happened.
   */
  enter_active(self, idle);
  remove_watch(self->bus, self->owner, self->active_watch);
  self->active_watch = 0;
  if (!self->check_quiet)
    emit_idle(self, self->check_since);
  emit_active(self);
}

/* Idleness reached the threshold, as far as the watch tells: make sure. */
static void start_check(DbkIdleSource *self, DbkUsec since) {
  stop_reading(self);
  self->state = STATE_CHECKING;
  self->check_threshold = self->threshold;
  self->check_since = since;
  self->check_quiet = FALSE;
  /* The watch first: calls are answered in order, so it is in place before the reading. */
  add_active_watch(self);
  g_clear_object(&self->check_cancellable);
  self->check_cancellable = g_cancellable_new();
  g_dbus_connection_call(self->bus, self->owner, MUTTER_PATH, MUTTER_IFACE, "GetIdletime", NULL,
                         G_VARIANT_TYPE("(t)"), G_DBUS_CALL_FLAGS_NONE, -1, self->check_cancellable,
                         on_check_idletime, self);
}

static void on_read_idletime(GObject *source, GAsyncResult *result, gpointer data) {
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply =
      g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
  DbkIdleSource *self = data;
  guint64 ms;
  DbkUsec idle;

  /* Cancelled: the source is gone, or the inhibitor, or the reading is overtaken. */
  if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object(&self->read_cancellable);
  if (self->lost || self->state != STATE_ACTIVE || !watches_stopped(self))
    return;

  if (reply == NULL) {
    /* A monitor that has gone is noticed by the name watch; else try again later. */
    g_debug("mutter: GetIdletime failed: %s", error->message);
    read_idletime_later(self, self->threshold);
    return;
  }
  g_variant_get(reply, "(t)", &ms);
  idle = ms_to_usec(ms);
  if (idle >= self->threshold)
    start_check(self, usec_before(dbk_now(), idle));
  else
    read_idletime_later(self, self->threshold - idle);
}

/* ignore, idle inhibited, ACTIVE: how far is idle time from the threshold? */
static void read_idletime(DbkIdleSource *self) {
  stop_reading(self);
  self->read_cancellable = g_cancellable_new();
  g_dbus_connection_call(self->bus, self->owner, MUTTER_PATH, MUTTER_IFACE, "GetIdletime", NULL,
                         G_VARIANT_TYPE("(t)"), G_DBUS_CALL_FLAGS_NONE, -1, self->read_cancellable,
                         on_read_idletime, self);
}

static void idle_watch_fired(DbkIdleSource *self) {
  /* While CHECKING or IDLE it tells nothing new (it fires at once when added past it). */
  if (self->state != STATE_ACTIVE)
    return;
  /*
   * Fired just before an inhibitor came (Mutter stops its watches while one
   * is held), or by an idle monitor that keeps them running: present.
   */
  if (held_present(self))
    return;
  start_check(self, usec_before(dbk_now(), self->threshold));
}

static void user_active(DbkIdleSource *self) {
  switch (self->state) {
  case STATE_IDLE:
    enter_active(self, 0);
    emit_active(self);
    break;
  case STATE_CHECKING:
    /* Input before the check's answer: away, and back already. */
    enter_active(self, 0);
    g_cancellable_cancel(self->check_cancellable);
    g_clear_object(&self->check_cancellable);
    if (!self->check_quiet)
      emit_idle(self, self->check_since);
    emit_active(self);
    break;
  case STATE_ACTIVE:
    break;
  }
}

/* The user-active watch is in place, unless it came too late. */
static void active_watch_added(DbkIdleSource *self, guint32 id) {
  if (self->state == STATE_ACTIVE) {
    /* The check already saw the user back, or an inhibitor holds them present. */
    remove_watch(self->bus, self->owner, id);
    return;
  }
  self->active_watch = id;
  if (take_early_fired(self, id)) {
    self->active_watch = 0;
    user_active(self);
  }
}

/* The idle watch is in place, unless it is for an old threshold. */
static void idle_watch_added(DbkIdleSource *self, guint32 id) {
  if (self->threshold_changed) {
    /* Set for a threshold that is already gone. */
    self->threshold_changed = FALSE;
    remove_watch(self->bus, self->owner, id);
    add_idle_watch(self);
    return;
  }
  self->idle_watch = id;
  if (take_early_fired(self, id))
    idle_watch_fired(self);
}

/* The answer to AddIdleWatch or AddUserActiveWatch (PendingAdd says which). */
static void on_watch_added(GObject *source, GAsyncResult *result, gpointer data) {
  PendingAdd *p = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply =
      g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
  DbkIdleSource *self = p->self;
  gboolean idle = p->idle;
  const char *what = idle ? "an idle watch" : "a user-active watch";
  guint32 id = 0;

  if (reply != NULL)
    g_variant_get(reply, "(u)", &id);
  if (self == NULL) {
    remove_watch(p->bus, p->owner, id);
    pending_add_free(p);
    return;
  }
  if (idle)
    self->idle_add = NULL;
  else
    self->active_add = NULL;
  pending_add_free(p);
  if (self->lost) {
    remove_watch(self->bus, self->owner, id);
    return;
  }

  if (reply == NULL || id == 0) {
    g_autofree char *why =
        g_strdup_printf("GNOME's idle monitor refused %s%s%s", what, reply == NULL ? ": " : "",
                        reply == NULL ? error->message : "");
    report_lost(self, why);
    return;
  }
  if (idle)
    idle_watch_added(self, id);
  else
    active_watch_added(self, id);
}

static void add_idle_watch(DbkIdleSource *self) {
  self->idle_add = pending_add_new(self, TRUE);
  g_dbus_connection_call(self->bus, self->owner, MUTTER_PATH, MUTTER_IFACE, "AddIdleWatch",
                         g_variant_new("(t)", threshold_to_ms(self->threshold)),
                         G_VARIANT_TYPE("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, on_watch_added,
                         self->idle_add);
}

static void on_watch_fired(GDBusConnection *bus, const char *sender, const char *path,
                           const char *iface, const char *signal, GVariant *params, gpointer data) {
  DbkIdleSource *self = data;
  guint32 id;

  if (self->lost || !g_variant_is_of_type(params, G_VARIANT_TYPE("(u)")))
    return;
  g_variant_get(params, "(u)", &id);
  if (id == 0)
    return;
  if (id == self->idle_watch) {
    idle_watch_fired(self);
  } else if (id == self->active_watch) {
    /* User-active watches fire once and are gone. */
    self->active_watch = 0;
    user_active(self);
  } else if (self->idle_add != NULL || self->active_add != NULL) {
    remember_early_fired(self, id);
  }
  /* Otherwise a watch already removed, its signal still on the way. */
}

static void on_name_appeared(GDBusConnection *bus, const char *name, const char *name_owner,
                             gpointer data) {
  DbkIdleSource *self = data;

  if (strcmp(name_owner, self->owner) != 0)
    report_lost(self, "GNOME's idle monitor restarted, and our watches went with it");
}

static void on_name_vanished(GDBusConnection *bus, const char *name, gpointer data) {
  report_lost(data, MUTTER_NAME " left the session bus");
}

/* ---- GNOME's session manager and its idle inhibitors ---- */

/* count-as-present and an inhibitor came: the user is there, whatever the watches said. */
static void hold_present(DbkIdleSource *self) {
  switch (self->state) {
  case STATE_CHECKING:
    /* Idle past the threshold until now, as far as the watch tells. */
    g_cancellable_cancel(self->check_cancellable);
    g_clear_object(&self->check_cancellable);
    if (!self->check_quiet)
      emit_idle(self, self->check_since);
    G_GNUC_FALLTHROUGH;
  case STATE_IDLE:
    /* An active watch on its way is removed when its answer finds us ACTIVE. */
    remove_watch(self->bus, self->owner, self->active_watch);
    self->active_watch = 0;
    self->state = STATE_ACTIVE;
    break;
  case STATE_ACTIVE:
    break;
  }
  /* Also the first report, when none was made yet. */
  emit_active(self);
}

/* What InhibitedActions says of idle, as Mutter takes it. */
static void set_inhibited(DbkIdleSource *self, guint32 inhibited_actions) {
  gboolean inhibited = (inhibited_actions & SESSION_INHIBIT_IDLE) != 0;

  if (inhibited == self->inhibited)
    return;
  self->inhibited = inhibited;
  g_debug("mutter: idle %s", inhibited ? "inhibited" : "no longer inhibited");
  if (self->ignore_inhibitors) {
    if (!inhibited)
      /* Mutter's watches take over (with its idle count started anew). */
      stop_reading(self);
    else if (self->state == STATE_ACTIVE)
      read_idletime(self);
    /* CHECKING and IDLE go on as they are: the check reads, the active watch fires. */
    return;
  }
  if (inhibited) {
    hold_present(self);
    return;
  }
  /*
   * The watches take over. Mutter restarts its idle count now and its idle
   * watch fires one threshold later; but the watch may have fired already
   * while the inhibitor was held (or the monitor may not restart its
   * count), so read the idle time: past the threshold, the user is idle
   * since now.
   */
  self->present_until = dbk_now();
  if (self->state == STATE_ACTIVE) {
    start_check(self, self->present_until);
    self->check_quiet = TRUE;
  }
}

static void on_session_properties_changed(GDBusConnection *bus, const char *sender,
                                          const char *path, const char *iface, const char *signal,
                                          GVariant *params, gpointer data) {
  DbkIdleSource *self = data;
  g_autoptr(GVariant) changed = NULL;
  const char *changed_iface;
  guint32 inhibited_actions;

  if (self->lost || !g_variant_is_of_type(params, G_VARIANT_TYPE("(sa{sv}as)")))
    return;
  g_variant_get(params, "(&s@a{sv}@as)", &changed_iface, &changed, NULL);
  if (strcmp(changed_iface, SESSION_IFACE) != 0)
    return;
  /* Only a new value counts: Mutter too takes no notice of an invalidation. */
  if (g_variant_lookup(changed, "InhibitedActions", "u", &inhibited_actions))
    set_inhibited(self, inhibited_actions);
}

/* Signals from `owner` only: the session manager's unique name. */
static void follow_session_owner(DbkIdleSource *self, const char *owner) {
  if (self->session_changed_subscription_id != 0)
    g_dbus_connection_signal_unsubscribe(self->bus, self->session_changed_subscription_id);
  self->session_changed_subscription_id = 0;
  g_cancellable_cancel(self->session_cancellable);
  g_clear_object(&self->session_cancellable);
  g_free(self->session_owner);
  self->session_owner = g_strdup(owner);
  if (owner == NULL)
    return;
  self->session_changed_subscription_id = g_dbus_connection_signal_subscribe(
      self->bus, owner, "org.freedesktop.DBus.Properties", "PropertiesChanged", SESSION_PATH,
      SESSION_IFACE, G_DBUS_SIGNAL_FLAGS_NONE, on_session_properties_changed, self, NULL);
}

static gboolean inhibited_actions_from_reply(GVariant *reply, guint32 *ret_inhibited_actions) {
  g_autoptr(GVariant) value = NULL;

  g_variant_get(reply, "(v)", &value);
  if (!g_variant_is_of_type(value, G_VARIANT_TYPE_UINT32))
    return FALSE;
  *ret_inhibited_actions = g_variant_get_uint32(value);
  return TRUE;
}

static void on_session_inhibited_actions(GObject *source, GAsyncResult *result, gpointer data) {
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply =
      g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
  DbkIdleSource *self = data;
  guint32 inhibited_actions;

  /* Cancelled: the source is gone, or so is this owner. */
  if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object(&self->session_cancellable);
  if (self->lost)
    return;
  if (reply == NULL) {
    g_debug("mutter: cannot read " SESSION_NAME "'s InhibitedActions: %s", error->message);
    return;
  }
  if (inhibited_actions_from_reply(reply, &inhibited_actions))
    set_inhibited(self, inhibited_actions);
}

static void on_session_appeared(GDBusConnection *bus, const char *name, const char *name_owner,
                                gpointer data) {
  DbkIdleSource *self = data;

  /* The owner new() already read. */
  if (self->lost || g_strcmp0(name_owner, self->session_owner) == 0)
    return;
  /* A new session manager: Mutter takes its InhibitedActions as a change. */
  follow_session_owner(self, name_owner);
  self->session_cancellable = g_cancellable_new();
  g_dbus_connection_call(self->bus, name_owner, SESSION_PATH, "org.freedesktop.DBus.Properties",
                         "Get", g_variant_new("(ss)", SESSION_IFACE, "InhibitedActions"),
                         G_VARIANT_TYPE("(v)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, -1,
                         self->session_cancellable, on_session_inhibited_actions, self);
}

static void on_session_vanished(GDBusConnection *bus, const char *name, gpointer data) {
  DbkIdleSource *self = data;

  /* Mutter keeps the last value it heard (its watches stay stopped), and so do we. */
  if (self->session_owner != NULL)
    follow_session_owner(self, NULL);
}

static GVariant *probe_call(GDBusConnection *bus, const char *dest, const char *path,
                            const char *iface, const char *method, GVariant *args,
                            const char *reply_type, GError **error) {
  return g_dbus_connection_call_sync(bus, dest, path, iface, method, args,
                                     G_VARIANT_TYPE(reply_type), G_DBUS_CALL_FLAGS_NO_AUTO_START,
                                     PROBE_TIMEOUT_MS, NULL, error);
}

/*
 * Whether idle is inhibited now; then follows the session manager from the
 * main loop. Without one on the bus nothing is inhibited, as for Mutter.
 */
static void probe_session_manager(DbkIdleSource *self) {
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *owner = NULL;
  guint32 inhibited_actions;

  reply =
      probe_call(self->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                 "GetNameOwner", g_variant_new("(s)", SESSION_NAME), "(s)", &error);
  if (reply != NULL) {
    g_variant_get(reply, "(s)", &owner);
    g_clear_pointer(&reply, g_variant_unref);
    /* Before reading, so that no change is missed. */
    follow_session_owner(self, owner);
    reply = probe_call(self->bus, owner, SESSION_PATH, "org.freedesktop.DBus.Properties", "Get",
                       g_variant_new("(ss)", SESSION_IFACE, "InhibitedActions"), "(v)", &error);
    if (reply != NULL && inhibited_actions_from_reply(reply, &inhibited_actions))
      self->inhibited = (inhibited_actions & SESSION_INHIBIT_IDLE) != 0;
    else if (reply == NULL)
      g_debug("mutter: cannot read " SESSION_NAME "'s InhibitedActions: %s", error->message);
  } else if (!g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER)) {
    g_debug("mutter: cannot look for " SESSION_NAME ": %s", error->message);
  }
  if (self->inhibited)
    g_debug("mutter: idle inhibited");

  self->session_watch_id =
      g_bus_watch_name_on_connection(self->bus, SESSION_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                     on_session_appeared, on_session_vanished, self, NULL);
}

static void mutter_free(DbkIdleSource *self);

/*
 * Works when org.gnome.Mutter.IdleMonitor has an owner that answers
 * GetIdletime and accepts an idle watch at the threshold. The first report
 * follows from the main loop: active(), or idle(since) when the user is
 * already idle past the threshold and no inhibitor holds them present.
 */
static DbkIdleSource *mutter_new(const DbkIdleContext *ctx, const DbkIdleListener *listener,
                                 void *user_data, GError **error) {
  GDBusConnection *session_bus = ctx->session_bus;
  DbkUsec threshold = ctx->threshold;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GVariant) reply = NULL;
  DbkIdleSource *self;
  guint64 ms;
  DbkUsec idle;

  if (session_bus == NULL) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "there is no session bus");
    return NULL;
  }
  reply = probe_call(session_bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                     "org.freedesktop.DBus", "GetNameOwner", g_variant_new("(s)", MUTTER_NAME),
                     "(s)", &local_error);
  if (reply == NULL) {
    if (g_error_matches(local_error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER))
      g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                  MUTTER_NAME " is not on the session bus");
    else
      g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
                  "cannot look for " MUTTER_NAME " on the session bus: %s", local_error->message);
    return NULL;
  }

  self = g_new0(DbkIdleSource, 1);
  self->bus = g_object_ref(session_bus);
  g_variant_get(reply, "(s)", &self->owner);
  g_clear_pointer(&reply, g_variant_unref);
  dbk_idle_reporter_init(&self->reporter, listener, user_data);
  self->threshold = threshold;
  self->ignore_inhibitors = ctx->ignore_inhibitors;
  self->state = STATE_ACTIVE;

  /* Before the first watch exists, so that none of its signals is missed. */
  self->fired_subscription_id = g_dbus_connection_signal_subscribe(
      self->bus, self->owner, MUTTER_IFACE, "WatchFired", MUTTER_PATH, NULL,
      G_DBUS_SIGNAL_FLAGS_NONE, on_watch_fired, self, NULL);

  reply = probe_call(self->bus, self->owner, MUTTER_PATH, MUTTER_IFACE, "GetIdletime", NULL, "(t)",
                     &local_error);
  if (reply == NULL) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
                "GNOME's idle monitor does not tell the idle time: %s", local_error->message);
    mutter_free(self);
    return NULL;
  }
  g_variant_get(reply, "(t)", &ms);
  g_clear_pointer(&reply, g_variant_unref);
  idle = ms_to_usec(ms);

  reply = probe_call(self->bus, self->owner, MUTTER_PATH, MUTTER_IFACE, "AddIdleWatch",
                     g_variant_new("(t)", threshold_to_ms(threshold)), "(u)", &local_error);
  if (reply != NULL)
    g_variant_get(reply, "(u)", &self->idle_watch);
  if (reply == NULL || self->idle_watch == 0) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
                "GNOME's idle monitor refused an idle watch%s%s", local_error != NULL ? ": " : "",
                local_error != NULL ? local_error->message : "");
    mutter_free(self);
    return NULL;
  }

  self->name_watch_id =
      g_bus_watch_name_on_connection(self->bus, MUTTER_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                     on_name_appeared, on_name_vanished, self, NULL);
  probe_session_manager(self);

  /*
   * Already past the threshold: the new watch fires at once (unless idle is
   * inhibited), but only the idle time says since when, so check now
   * (reported from the main loop). Held present, the first report is active().
   */
  if (!held_present(self)) {
    if (idle >= threshold)
      start_check(self, usec_before(dbk_now(), idle));
    else if (watches_stopped(self))
      read_idletime_later(self, threshold - idle);
  }
  self->initial_report_id = g_idle_add_full(G_PRIORITY_DEFAULT, initial_report, self, NULL);
  return self;
}

/*
 * Replaces the idle watch with one at the new threshold. Already idle past
 * it, the new watch fires at once and the idle report follows; already
 * reported idle, nothing changes until the next input.
 */
static void mutter_set_threshold(DbkIdleSource *self, DbkUsec threshold) {
  if (self == NULL || self->lost || threshold == self->threshold)
    return;
  self->threshold = threshold;
  /* The idle watch cannot tell while idle is inhibited: read the idle time again. */
  if (watches_stopped(self) && self->state == STATE_ACTIVE)
    read_idletime(self);
  if (self->idle_add != NULL) {
    self->threshold_changed = TRUE;
    return;
  }
  remove_watch(self->bus, self->owner, self->idle_watch);
  self->idle_watch = 0;
  add_idle_watch(self);
}

/* Removes our watches from Mutter and cancels every call; accepts NULL. */
static void mutter_free(DbkIdleSource *self) {
  if (self == NULL)
    return;
  g_cancellable_cancel(self->check_cancellable);
  /* Their answers remove the watches they name. */
  if (self->idle_add != NULL)
    self->idle_add->self = NULL;
  if (self->active_add != NULL)
    self->active_add->self = NULL;
  g_clear_handle_id(&self->initial_report_id, g_source_remove);
  if (self->fired_subscription_id != 0)
    g_dbus_connection_signal_unsubscribe(self->bus, self->fired_subscription_id);
  g_clear_handle_id(&self->name_watch_id, g_bus_unwatch_name);
  g_clear_handle_id(&self->session_watch_id, g_bus_unwatch_name);
  follow_session_owner(self, NULL);
  stop_reading(self);
  remove_watch(self->bus, self->owner, self->idle_watch);
  remove_watch(self->bus, self->owner, self->active_watch);
  g_clear_object(&self->check_cancellable);
  g_clear_object(&self->bus);
  g_free(self->owner);
  g_free(self);
}

const DbkIdleSourceOps dbk_idle_source_mutter = {
    .name = "mutter",
    .new = mutter_new,
    .set_threshold = mutter_set_threshold,
    .free = mutter_free,
    .session_bus_name = MUTTER_NAME,
};
