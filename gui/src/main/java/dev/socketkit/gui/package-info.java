/**
 * The lecture's ON/OFF GUI socket client (section 4) in Swing: a thin window over a model that is
 * tested without a display.
 */
package dev.socketkit.gui;
