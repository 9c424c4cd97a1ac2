package io.modelmonitor.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README's Spring Boot example is the compiled {@link CtrScorer}, verbatim. */
class ReadmeSnippetTest {

  @Test
  void readme_containsTheStarterSnippetVerbatim() throws IOException {
    String source = Files.readString(
        Path.of("src/test/java/io/modelmonitor/spring/CtrScorer.java"));
    String readme = Files.readString(Path.of("../README.md"));
    Matcher m = Pattern.compile("// tag::(\\w[\\w-]*)\\[]\\n(.*?)\\n\\s*// end::\\1\\[]",
        Pattern.DOTALL).matcher(source);
    int found = 0;
    while (m.find()) {
      found++;
      assertThat(readme).as("README holds snippet '%s' verbatim", m.group(1))
          .contains(unindent(m.group(2)));
    }
    assertThat(found).isEqualTo(1);
  }

  private static String unindent(String block) {
    List<String> lines = block.lines().toList();
    int indent = lines.stream().filter(l -> !l.isBlank())
        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent))
        .collect(Collectors.joining("\n"));
  }
}
