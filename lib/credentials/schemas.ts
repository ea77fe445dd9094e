import { z } from "zod";
import { boundaryText } from "@/lib/http";
import { PASSWORD_MAX } from "./password";

export const emailSchema = boundaryText({ error: "Enter your e-mail address." })
  .trim()
  .toLowerCase()
  .max(254, "That e-mail address is too long.")
  .pipe(z.email({ error: "Enter a valid e-mail address." }));

/** Length and breach checks happen in passwordProblem(); this only bounds the input. */
export const passwordInputSchema = boundaryText({ error: "Enter your password." })
  .min(1, "Enter your password.")
  .max(PASSWORD_MAX * 4, "That password is too long.");

export const signUpSchema = z.object({
  name: boundaryText({ error: "Enter your name." }).trim().min(1, "Enter your name.").max(100, "Use at most 100 characters."),
  organizationName: boundaryText({ error: "Enter your organization's name." })
    .trim()
    .min(2, "Enter your organization's name.")
    .max(100, "Use at most 100 characters."),
  email: emailSchema,
  password: passwordInputSchema,
});

export const signInSchema = z.object({ email: emailSchema, password: passwordInputSchema });

export const tokenSchema = boundaryText({ error: "This link is incomplete." }).min(10, "This link is incomplete.").max(100);

export const resetPasswordSchema = z.object({ token: tokenSchema, password: passwordInputSchema });

export const changePasswordSchema = z.object({
  currentPassword: boundaryText({ error: "Enter your current password." }).min(1, "Enter your current password.").max(PASSWORD_MAX * 4, "That password is too long."),
  newPassword: boundaryText({ error: "Enter a new password." }).min(1, "Enter a new password.").max(PASSWORD_MAX * 4, "That password is too long."),
});
