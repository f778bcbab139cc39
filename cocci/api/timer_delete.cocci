// SPDX-License-Identifier: GPL-2.0-only
/// API bridge (lift/lower only): the timer deletion calls and the names
/// they took in 6.2 (by our reading of the history: "timers: Rename
/// del_timer_sync() to timer_delete_sync()" and its del_timer() sibling).
///
///   del_timer_sync(t)       timer_delete_sync(t)
///   del_timer(t)            timer_delete(t)
///
/// Modes:
///  -D lift   every old call becomes the new one;
///  -D lower  every new call becomes the old one.
///
/// For the verdict and the bridged rung only (cocci/README.md, "Bridges"):
/// a fix written after the rename whose context names timer_delete_sync()
/// is found, and carried, in a tree that still says del_timer_sync(). Not
/// tried on files that already call the new names (unless=timer_delete:
/// there upstream's lines are the tree's API too and must not be lowered).
///
///   spatch --sp-file cocci/api/timer_delete.cocci -D lift --very-quiet \
///          --no-includes --include-headers --in-place --timeout 120 --dir TREE
//
// Confidence: High
// Copyright: the ltsport authors.
// Comments: the calls only; the definitions and prototypes keep the
//  tree's names.
// Options: --no-includes --include-headers
// Bridge: lift=lift lower=lower needs=timer_delete tree=del_timer unless=timer_delete era=timer_delete_sync() and timer_delete() (6.2) from del_timer_sync() and del_timer()

virtual lift
virtual lower

@to_new depends on lift@
expression T;
@@
(
- del_timer_sync(T)
+ timer_delete_sync(T)
|
- del_timer(T)
+ timer_delete(T)
)

@to_old depends on lower@
expression T;
@@
(
- timer_delete_sync(T)
+ del_timer_sync(T)
|
- timer_delete(T)
+ del_timer(T)
)
