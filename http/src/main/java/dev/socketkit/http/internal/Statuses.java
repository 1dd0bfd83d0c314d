package dev.socketkit.http.internal;

import java.util.Map;

/**
 * Python's {@code BaseHTTPRequestHandler.responses}: each status code's phrase and description, as
 * {@code http.HTTPStatus} (CPython 3.13, RFC 9110 names) gives them.
 */
public final class Statuses {
  private Statuses() {}

  private static final Map<Integer, String[]> TABLE =
      Map.ofEntries(
          e(100, "Continue", "Request received, please continue"),
          e(101, "Switching Protocols", "Switching to new protocol; obey Upgrade header"),
          e(102, "Processing", ""),
          e(103, "Early Hints", ""),
          e(200, "OK", "Request fulfilled, document follows"),
          e(201, "Created", "Document created, URL follows"),
          e(202, "Accepted", "Request accepted, processing continues off-line"),
          e(203, "Non-Authoritative Information", "Request fulfilled from cache"),
          e(204, "No Content", "Request fulfilled, nothing follows"),
          e(205, "Reset Content", "Clear input form for further input"),
          e(206, "Partial Content", "Partial content follows"),
          e(207, "Multi-Status", ""),
          e(208, "Already Reported", ""),
          e(226, "IM Used", ""),
          e(300, "Multiple Choices", "Object has several resources -- see URI list"),
          e(301, "Moved Permanently", "Object moved permanently -- see URI list"),
          e(302, "Found", "Object moved temporarily -- see URI list"),
          e(303, "See Other", "Object moved -- see Method and URL list"),
          e(304, "Not Modified", "Document has not changed since given time"),
          e(305, "Use Proxy", "You must use proxy specified in Location to access this resource"),
          e(307, "Temporary Redirect", "Object moved temporarily -- see URI list"),
          e(308, "Permanent Redirect", "Object moved permanently -- see URI list"),
          e(400, "Bad Request", "Bad request syntax or unsupported method"),
          e(401, "Unauthorized", "No permission -- see authorization schemes"),
          e(402, "Payment Required", "No payment -- see charging schemes"),
          e(403, "Forbidden", "Request forbidden -- authorization will not help"),
          e(404, "Not Found", "Nothing matches the given URI"),
          e(405, "Method Not Allowed", "Specified method is invalid for this resource"),
          e(406, "Not Acceptable", "URI not available in preferred format"),
          e(
              407,
              "Proxy Authentication Required",
              "You must authenticate with this proxy before proceeding"),
          e(408, "Request Timeout", "Request timed out; try again later"),
          e(409, "Conflict", "Request conflict"),
          e(410, "Gone", "URI no longer exists and has been permanently removed"),
          e(411, "Length Required", "Client must specify Content-Length"),
          e(412, "Precondition Failed", "Precondition in headers is false"),
          e(413, "Content Too Large", "Content is too large"),
          e(414, "URI Too Long", "URI is too long"),
          e(415, "Unsupported Media Type", "Entity body in unsupported format"),
          e(416, "Range Not Satisfiable", "Cannot satisfy request range"),
          e(417, "Expectation Failed", "Expect condition could not be satisfied"),
          e(418, "I'm a Teapot", "Server refuses to brew coffee because it is a teapot."),
          e(421, "Misdirected Request", "Server is not able to produce a response"),
          e(422, "Unprocessable Content", ""),
          e(423, "Locked", ""),
          e(424, "Failed Dependency", ""),
          e(425, "Too Early", ""),
          e(426, "Upgrade Required", ""),
          e(
              428,
              "Precondition Required",
              "The origin server requires the request to be conditional"),
          e(
              429,
              "Too Many Requests",
              "The user has sent too many requests in a given amount of time (\"rate limiting\")"),
          e(
              431,
              "Request Header Fields Too Large",
              "The server is unwilling to process the request because its header fields are too"
                  + " large"),
          e(
              451,
              "Unavailable For Legal Reasons",
              "The server is denying access to the resource as a consequence of a legal demand"),
          e(500, "Internal Server Error", "Server got itself in trouble"),
          e(501, "Not Implemented", "Server does not support this operation"),
          e(502, "Bad Gateway", "Invalid responses from another server/proxy"),
          e(503, "Service Unavailable", "The server cannot process the request due to a high load"),
          e(504, "Gateway Timeout", "The gateway server did not receive a timely response"),
          e(505, "HTTP Version Not Supported", "Cannot fulfill request"),
          e(506, "Variant Also Negotiates", ""),
          e(507, "Insufficient Storage", ""),
          e(508, "Loop Detected", ""),
          e(510, "Not Extended", ""),
          e(
              511,
              "Network Authentication Required",
              "The client needs to authenticate to gain network access"));

  private static Map.Entry<Integer, String[]> e(int code, String phrase, String description) {
    return Map.entry(code, new String[] {phrase, description});
  }

  /** The phrase ({@code "Not Found"}), or null for a code Python's table does not know. */
  public static String phrase(int code) {
    String[] entry = TABLE.get(code);
    return entry == null ? null : entry[0];
  }

  /** The description ({@code "Nothing matches the given URI"}), or null for an unknown code. */
  public static String description(int code) {
    String[] entry = TABLE.get(code);
    return entry == null ? null : entry[1];
  }
}
