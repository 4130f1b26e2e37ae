package io.churnwire.reliability;

/** One scenario of the campaign: starts what it needs, measures, stops everything it started. */
interface Scenario {
  int number();

  String name();

  /** Runs at {@code scale}; bounded by the scale's hang timeout, never waiting forever. */
  ScenarioResult run(Scale scale, Workspace workspace) throws Exception;
}
