package io.churnwire.history;

/**
 * A customer's nine features as a {@code PredictRequest} sent them. A numeric feature the request
 * left unset is null; a categorical one it left unset is its {@code *_UNSPECIFIED} name.
 */
public record CustomerFeatures(String internetService, Integer numberDependents, Integer numberReferrals,
    Integer satisfactionScore, Integer tenureInMonths, Double totalLongDistanceCharges, Double totalRevenue,
    String contract, String paymentMethod) {}
