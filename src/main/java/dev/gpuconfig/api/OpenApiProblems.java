package dev.gpuconfig.api;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

import java.util.List;

/**
 * Tells the OpenAPI document (clients generate code from it) that every error of the /v1
 * endpoints is a problem object (RFC 9457, application/problem+json), the way
 * {@link ProblemMappers} writes it: in one place, rather than the same annotations on each method.
 * Registered as {@code mp.openapi.filter} in application.properties.
 */
public class OpenApiProblems implements OASFilter {
    static final String SCHEMA = "Problem";

    @Override
    public void filterOpenAPI(OpenAPI api) {
        if (api.getComponents() == null) {
            api.setComponents(OASFactory.createComponents());
        }
        api.getComponents().addSchema(SCHEMA, OASFactory.createSchema().type(List.of(Schema.SchemaType.OBJECT))
                .description("RFC 9457 problem details")
                .addProperty("type", text("a URI for the kind of problem; about:blank for plain HTTP statuses"))
                .addProperty("title", text("the status in words"))
                .addProperty("status", OASFactory.createSchema().type(List.of(Schema.SchemaType.INTEGER)))
                .addProperty("detail", text("what is wrong, naming the field or the rule"))
                .required(List.of("type", "title", "status", "detail")));
        api.getPaths().getPathItems().forEach((path, item) -> {
            if (!path.startsWith("/v1/")) {
                return;
            }
            item.getOperations().values().forEach(op -> {
                if (op.getResponses().hasAPIResponse("400")) {
                    op.getResponses().addAPIResponse("400", problem("invalid input: a missing or malformed field, or malformed JSON"));
                }
                op.getResponses().defaultValue(problem("an error: 400 invalid input, 401/403 an admin call without the token,"
                        + " 415 a body that is not JSON, 422 no configuration fits, 503 no valid rule set active yet"
                        + " or too many batch items in flight (with Retry-After)"));
            });
        });
    }

    private static Schema text(String description) {
        return OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING)).description(description);
    }

    private static APIResponse problem(String description) {
        return OASFactory.createAPIResponse().description(description).content(OASFactory.createContent()
                .addMediaType(ProblemMappers.PROBLEM_JSON, OASFactory.createMediaType()
                        .schema(OASFactory.createSchema().ref(SCHEMA))));
    }
}
