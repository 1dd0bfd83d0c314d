/**
 * The lecture's echo servers and clients as library code: the select echo server (section 2), the
 * select client (section 3), the select-and-queue echo server (section 6) and the socketserver echo
 * handlers (sections 7 and 8).
 */
package dev.socketkit.echo;
