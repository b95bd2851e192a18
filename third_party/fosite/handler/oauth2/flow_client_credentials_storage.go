// Copyright © 2024 Ory Corp
// SPDX-License-Identifier: Apache-2.0

package oauth2

type ClientCredentialsGrantStorage interface {
	AccessTokenStorage
}
