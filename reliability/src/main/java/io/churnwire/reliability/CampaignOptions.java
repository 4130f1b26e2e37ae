package io.churnwire.reliability;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The campaign's command line: {@code --short} for the build's scale, {@code --only N} (repeatable
 * or comma-separated) for some scenarios, {@code --figures FILE} to keep the table, {@code --root DIR}.
 */
record CampaignOptions(boolean shortForm, Set<Integer> only, Optional<Path> figures, Optional<Path> root,
    boolean help) {

  static final String USAGE = """
      usage: scripts/reliability.sh [--short] [--only N[,N...]] [--figures FILE] [--root DIR]

        --short           the scaled-down form the build runs (about 1/20 of the work)
        --only N          run only scenario N (1 fuzz, 2 overload, 3 bridge kills, 4 hot reload,
                          5 cancelled streams, 6 rolling restart behind Envoy); repeatable, or a
                          comma-separated list
        --figures FILE    also write the summary table (Markdown) to FILE
        --root DIR        the checkout (default: the current directory or a parent)
      """;

  CampaignOptions {
    only = Set.copyOf(only);
  }

  static CampaignOptions parse(String... args) {
    boolean shortForm = false;
    boolean help = false;
    Set<Integer> only = new TreeSet<>();
    Optional<Path> figures = Optional.empty();
    Optional<Path> root = Optional.empty();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      switch (flag) {
        case "--short" -> shortForm = true;
        case "--help", "-h" -> help = true;
        case "--only", "--figures", "--root" -> {
          String value;
          if (arg.contains("=")) {
            value = arg.substring(arg.indexOf('=') + 1);
          } else if (i + 1 < args.length) {
            value = args[++i];
          } else {
            throw new IllegalArgumentException(flag + " needs a value");
          }
          switch (flag) {
            case "--only" -> {
              for (String number : value.split(",")) {
                only.add(scenarioNumber(number.strip()));
              }
            }
            case "--figures" -> figures = Optional.of(Path.of(value));
            default -> root = Optional.of(Path.of(value));
          }
        }
        default -> throw new IllegalArgumentException("unknown option " + arg);
      }
    }
    return new CampaignOptions(shortForm, only, figures, root, help);
  }

  boolean selects(int scenario) {
    return only.isEmpty() || only.contains(scenario);
  }

  Scale scale() {
    return shortForm ? Scale.shortForm() : Scale.full();
  }

  private static int scenarioNumber(String text) {
    try {
      int number = Integer.parseInt(text);
      if (number >= 1 && number <= ReliabilityCampaign.SCENARIOS.size()) {
        return number;
      }
    } catch (NumberFormatException e) {
      // Reported below with the accepted range.
    }
    throw new IllegalArgumentException("--only takes scenario numbers 1 to "
        + ReliabilityCampaign.SCENARIOS.size() + ", got '" + text + "'");
  }
}
