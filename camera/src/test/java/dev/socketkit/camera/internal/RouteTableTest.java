package dev.socketkit.camera.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteTableTest {
  private final RouteTable<String> table =
      RouteTable.<String>builder()
          .get("/", "page")
          .get("/state", "state")
          .get("/recordings/{name}", "download")
          .on("DELETE", "/recordings/{name}", "delete")
          .on("POST", "/recordings/{name}/delete", "form delete")
          .get("/recordings/{name}/play", "player")
          .build();

  private static RouteTable.Lookup.Found<String> found(RouteTable.Lookup<String> lookup) {
    assertThat(lookup).isInstanceOf(RouteTable.Lookup.Found.class);
    return (RouteTable.Lookup.Found<String>) lookup;
  }

  @Test
  void findsTheActionAndThePlaceholdersValues() {
    RouteTable.Lookup.Found<String> play = found(table.find("GET", "/recordings/a.avi/play"));
    assertThat(play.action()).isEqualTo("player");
    assertThat(play.params()).isEqualTo(Map.of("name", "a.avi"));
    assertThat(found(table.find("DELETE", "/recordings/a.avi")).action()).isEqualTo("delete");
    assertThat(found(table.find("GET", "/")).action()).isEqualTo("page");
  }

  @Test
  void aGetRouteAnswersHeadToo() {
    assertThat(found(table.find("HEAD", "/state")).action()).isEqualTo("state");
  }

  @Test
  void aKnownPathWithAnotherMethodNamesTheMethodsItAllows() {
    RouteTable.Lookup<String> put = table.find("PUT", "/recordings/a.avi");
    assertThat(put).isInstanceOf(RouteTable.Lookup.NotAllowed.class);
    assertThat(((RouteTable.Lookup.NotAllowed<String>) put).allow()).isEqualTo("GET, HEAD, DELETE");
    RouteTable.Lookup<String> post = table.find("POST", "/state");
    assertThat(((RouteTable.Lookup.NotAllowed<String>) post).allow()).isEqualTo("GET, HEAD");
    RouteTable.Lookup<String> get = table.find("GET", "/recordings/a.avi/delete");
    assertThat(((RouteTable.Lookup.NotAllowed<String>) get).allow()).isEqualTo("POST");
  }

  @Test
  void anUnknownPathIsNotFound() {
    for (String path :
        new String[] {
          "/nothing",
          "/state/",
          "//state",
          "/recordings",
          "/recordings/",
          "/recordings//play",
          "/recordings/a/b/play",
          "/recordings/../x"
        }) {
      assertThat(table.find("GET", path)).as(path).isInstanceOf(RouteTable.Lookup.NotFound.class);
    }
  }

  @Test
  void anEscapedSlashIsNeverASeparator() {
    assertThat(found(table.find("GET", "/recordings/..%2Fetc%2Fpasswd")).params())
        .containsEntry("name", "..%2Fetc%2Fpasswd");
    assertThat(table.find("GET", "/recordings/..%2Fetc/passwd"))
        .isInstanceOf(RouteTable.Lookup.NotFound.class);
  }

  @Test
  void theRootIsRelativeToTheRequestsPath() {
    assertThat(Call.of("GET", "/", Map.of(), null, h -> null).root()).isEqualTo("./");
    assertThat(Call.of("GET", "/recordings", Map.of(), null, h -> null).root()).isEqualTo("./");
    assertThat(Call.of("GET", "/events/x", Map.of(), null, h -> null).root()).isEqualTo("../");
    assertThat(Call.of("GET", "/recordings/a.avi/play", Map.of(), null, h -> null).root())
        .isEqualTo("../../");
  }

  @Test
  void theQueryIsParsedOnceTheSameWayForEveryRoute() {
    Call call = Call.of("GET", "/state", Map.of(), "token=%zz&fps=5&token=second", h -> null);
    assertThat(call.query()).containsEntry("token", "%zz").containsEntry("fps", "5");
  }
}
