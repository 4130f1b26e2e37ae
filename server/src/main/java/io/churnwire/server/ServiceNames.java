package io.churnwire.server;

import io.churnwire.v1.ChurnInsightsServiceGrpc;
import io.churnwire.v1.ChurnMonitoringServiceGrpc;
import io.churnwire.v1.ChurnServiceGrpc;
import io.churnwire.v1.ModelAdminServiceGrpc;

/** Fully qualified service names as health checks and reflection report them. */
public final class ServiceNames {
  /** {@code churnwire.v1.ChurnService}. */
  public static final String CHURN_SERVICE = ChurnServiceGrpc.SERVICE_NAME;

  /** {@code churnwire.v1.ModelAdminService}. */
  public static final String MODEL_ADMIN_SERVICE = ModelAdminServiceGrpc.SERVICE_NAME;

  /** {@code churnwire.v1.ChurnInsightsService}. */
  public static final String INSIGHTS_SERVICE = ChurnInsightsServiceGrpc.SERVICE_NAME;

  /** {@code churnwire.v1.ChurnMonitoringService}. */
  public static final String MONITORING_SERVICE = ChurnMonitoringServiceGrpc.SERVICE_NAME;

  private ServiceNames() {}
}
