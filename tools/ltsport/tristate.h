/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LTSPORT_TRISTATE_H
#define LTSPORT_TRISTATE_H

/*
 * The one tri-state of ltsport, for answers that can be "not known": false
 * is 0 and true is 1, so that a known answer reads as a plain boolean.
 */
enum tristate {
	TRI_UNKNOWN = -1,
	TRI_NO = 0,
	TRI_YES = 1,
};

#endif
