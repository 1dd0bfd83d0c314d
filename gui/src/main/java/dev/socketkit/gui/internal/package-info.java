/**
 * Implementation of the ON/OFF client's model that is not part of its contract: the retry back-off
 * and the framing of the server's echoes into lines. Used by {@link dev.socketkit.gui.OnOffClient};
 * subject to change without notice.
 */
package dev.socketkit.gui.internal;
