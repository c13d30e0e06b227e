package dev.gpuconfig.decide;

import dev.gpuconfig.modelid.ModelName;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A model id the service reads: {@code [owner/]name[:GGUF-QUANT]}, each part 1-96 characters of
 * {@code [A-Za-z0-9._-]}, starting with neither '.' nor '-', never holding "..". Required. The
 * message says which rule the id breaks ({@link ModelName#invalidReason}).
 */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ModelId.Check.class)
public @interface ModelId {
    /** Three parts of 96 and their two separators. */
    int MAX_LENGTH = 3 * 96 + 2;

    String message() default "is not a model id";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<ModelId, String> {
        @Override
        public boolean isValid(String id, ConstraintValidatorContext context) {
            String why = ModelName.invalidReason(id);
            if (why == null) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate(why.replace("{", "\\{").replace("$", "\\$")).addConstraintViolation();
            return false;
        }
    }
}
