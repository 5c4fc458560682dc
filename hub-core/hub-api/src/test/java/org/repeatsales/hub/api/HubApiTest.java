package org.repeatsales.hub.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HubApiTest {

    @Test
    void versionIsPlainSemverWithoutMavenQualifiers() {
        assertThat(HubApi.VERSION).matches("\\d+\\.\\d+\\.\\d+");
    }
}
