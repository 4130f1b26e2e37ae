package io.churnwire.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CampaignOptionsTest {

  @Test
  void noOptions_isTheLongFormOfEveryScenario() {
    CampaignOptions options = CampaignOptions.parse();

    assertEquals(Scale.full(), options.scale());
    assertTrue(options.selects(1) && options.selects(6));
  }

  @Test
  void shortOnlyAndFigures_areParsedInBothSpellings() {
    CampaignOptions options = CampaignOptions.parse("--short", "--only", "1,3", "--only=5", "--figures=f.md");

    assertEquals(Scale.shortForm(), options.scale());
    assertEquals(Set.of(1, 3, 5), options.only());
    assertFalse(options.selects(2));
    assertEquals(Optional.of(Path.of("f.md")), options.figures());
  }

  @Test
  void unknownScenarioOrOption_isRefusedNamingIt() {
    var scenario = assertThrows(IllegalArgumentException.class, () -> CampaignOptions.parse("--only", "7"));
    var option = assertThrows(IllegalArgumentException.class, () -> CampaignOptions.parse("--fast"));

    assertTrue(scenario.getMessage().contains("'7'"), scenario.getMessage());
    assertTrue(option.getMessage().contains("--fast"), option.getMessage());
  }
}
